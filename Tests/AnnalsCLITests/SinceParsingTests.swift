import AnnalsTestSupport
import Foundation
import Testing

/// `--since` is parsed by the CLI's own ISO 8601 reader (no date formatter): the forms it takes,
/// the ones it refuses, and offsets meaning the same instant as UTC.
@Suite(.timeLimit(.minutes(1))) struct SinceParsingTests {
    static func store() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let input = #"{"stream":"s","type":"T","data":1}"# + "\n"
        #expect(try CLIProcess.run(["append", "--dir", dir.path], input: input).status == 0)
        return dir
    }

    /// Proves each accepted form reads (exit 0) and each refused one fails with the message.
    @Test(arguments: [
        ("2026-01-31", true), ("2024-02-29", true), ("2026-01-31T12:00:00Z", true), ("2026-01-31T12:00:00.250+01:00", true),
        ("2026-01-31T12:00:00.1234567-0530", true), ("99999-01-31T00:00:00Z", true), ("1000-01-01T00:00:00Z", true),
        ("2025-02-29", false), ("2026-04-31", false), ("2026-01-31T12:00:00", false), ("2026-01-31T24:00:00Z", false),
        ("2026-01-31T12:00Z", false), ("2026-1-31", false), ("2026-01-31T12:00:00.Z", false), ("2026-01-31T12:00:00Z ", false),
        ("yesterday", false), ("", false),
    ])
    func formsAcceptedAndRefused(text: String, accepted: Bool) throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let run = try CLIProcess.run(["read", "--dir", dir.path, "--since", text])
        #expect((run.status == 0) == accepted, "\(text): \(run.stderr)")
        if !accepted { #expect(run.stderr.contains("--since must be an ISO 8601 time"), "\(run.stderr)") }
    }

    /// Proves an offset names the same instant as UTC: the event appended now is found from an
    /// hour ago written with +01:00 as from an hour ago in Z, and not from an hour ahead.
    @Test func offsetsMeanTheSameInstant() throws {
        let dir = try Self.store()
        defer { dir.remove() }
        func iso(_ date: Date, offsetHours: Int) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(secondsFromGMT: offsetHours * 3600)
            return formatter.string(from: date)
        }
        let hourAgo = Date().addingTimeInterval(-3600), hourAhead = Date().addingTimeInterval(3600)
        for offset in [0, 1, -5] {
            #expect(try CLIProcess.run(["read", "--dir", dir.path, "--since", iso(hourAgo, offsetHours: offset)]).stdoutLines.count == 1)
            #expect(try CLIProcess.run(["read", "--dir", dir.path, "--since", iso(hourAhead, offsetHours: offset)]).stdoutLines.isEmpty)
        }
    }
}
