import Annals
import ArgumentParser

/// `--expected-version any|no-stream|exists|N`, the CLI spelling of `ExpectedVersion`.
struct ExpectedVersionChoice: ExpressibleByArgument, Equatable {
    var value: ExpectedVersion

    init(_ value: ExpectedVersion) { self.value = value }

    init?(argument: String) {
        switch argument {
        case "any": value = .any
        case "no-stream": value = .noStream
        case "exists": value = .streamExists
        default:
            // Digits only: UInt64's parser would also take a leading "+".
            guard !argument.isEmpty, argument.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let version = UInt64(argument) else { return nil }
            value = .exact(version)
        }
    }

    /// The CLI spelling of an expected version.
    static func text(_ expected: ExpectedVersion) -> String {
        switch expected {
        case .any: "any"
        case .noStream: "no-stream"
        case .streamExists: "exists"
        case .exact(let version): String(version)
        }
    }

    /// The message for a failed check, in the words of the command line:
    /// `wrong expected version: stream S expected X actual Y` (Y is `no-stream` when the stream
    /// has no readable events).
    static func conflictMessage(stream: StreamName, expected: ExpectedVersion, actual: UInt64?) -> String {
        "wrong expected version: stream \(stream) expected \(text(expected)) actual \(actual.map(String.init) ?? "no-stream")"
    }
}
