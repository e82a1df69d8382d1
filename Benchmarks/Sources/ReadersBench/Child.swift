import Foundation

/// A child process of this benchmark: `ReadersBench <arguments...>`, whose output is read at exit.
final class Child: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
    }

    /// Waits for the exit and returns standard output; throws on a non-zero status.
    func finish() throws -> String {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("child \(process.arguments ?? []) exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The integer after `label` in the output.
    func value(_ label: String) throws -> Int {
        let text = try finish()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(label + " ") }),
              let value = Int(line.dropFirst(label.count + 1))
        else { throw BenchFailure("child printed no \(label): \(text)") }
        return value
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
