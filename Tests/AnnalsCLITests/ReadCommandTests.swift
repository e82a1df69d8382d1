import Annals
import AnnalsTestSupport
import Foundation
import Testing

/// `annals read` by stream, category, type and time, the combinations it refuses, and deleted streams.
@Suite(.timeLimit(.minutes(10))) struct ReadCommandTests {
    /// Six events over two categories: positions 1...6.
    static let events: [(stream: String, type: String)] = [
        ("order-1", "OrderCreated"), ("order-2", "OrderCreated"), ("order-1", "ItemAdded"),
        ("user-1", "UserJoined"), ("order-1", "OrderPaid"), ("order-2", "ItemAdded"),
    ]

    static func store() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let input = events.enumerated().map { #"{"stream":"\#($1.stream)","type":"\#($1.type)","data":{"n":\#($0 + 1)}}"# }
        let run = try CLIProcess.run(["append", "--dir", dir.path], input: input.joined(separator: "\n"))
        #expect(run.status == 0, "\(run.stderr)")
        return dir
    }

    static func positions(_ arguments: [String], in dir: TemporaryDirectory) throws -> [Int] {
        let run = try CLIProcess.run(["read", "--dir", dir.path] + arguments)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return run.stdoutLines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["position"] as? NSNumber)?.intValue
        }
    }

    /// Proves `--stream` reads one stream by version, forward, from a version, backward and
    /// limited, writing exactly the lines a whole-log read writes for those events.
    @Test func readsAStreamByVersion() throws {
        let dir = try Self.store()
        defer { dir.remove() }
        #expect(try Self.positions(["--stream", "order-1"], in: dir) == [1, 3, 5])
        #expect(try Self.positions(["--stream", "order-1", "--from-version", "1"], in: dir) == [3, 5])
        #expect(try Self.positions(["--stream", "order-1", "--backward"], in: dir) == [5, 3, 1])
        #expect(try Self.positions(["--stream", "order-1", "--backward", "--from-version", "1", "--limit", "1"], in: dir) == [3])
        #expect(try Self.positions(["--stream", "order-1", "--from-version", "9"], in: dir) == [])
        #expect(try Self.positions(["--stream", "never-written"], in: dir) == [])
        let all = try CLIProcess.run(["read", "--dir", dir.path]).stdoutLines
        let stream = try CLIProcess.run(["read", "--dir", dir.path, "--stream", "order-2"]).stdoutLines
        #expect(stream == [all[1], all[5]])
    }

    /// Proves `--category`, `--type`, both together, and `--from`/`--limit` with them select
    /// the right events in position order.
    @Test func readsByCategoryAndType() throws {
        let dir = try Self.store()
        defer { dir.remove() }
        #expect(try Self.positions(["--category", "order"], in: dir) == [1, 2, 3, 5, 6])
        #expect(try Self.positions(["--category", "user"], in: dir) == [4])
        #expect(try Self.positions(["--type", "ItemAdded"], in: dir) == [3, 6])
        #expect(try Self.positions(["--category", "order", "--type", "OrderCreated"], in: dir) == [1, 2])
        #expect(try Self.positions(["--category", "order", "--from", "4", "--limit", "1"], in: dir) == [5])
        #expect(try Self.positions(["--category", "nothing"], in: dir) == [])
    }

    /// Proves `--since` starts at the first event committed at or after the time, alone and
    /// with a category, by appending two batches with a known time between them.
    @Test func readsSinceATime() throws {
        let dir = try Self.store()
        defer { dir.remove() }
        // `--since` has millisecond precision: wait until the clock has moved 2 ms past the first
        // batch, take the time, and wait 2 ms more before the second.
        Self.waitForClock(toPass: Date().addingTimeInterval(0.002))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let between = formatter.string(from: Date())
        Self.waitForClock(toPass: Date().addingTimeInterval(0.002))
        let later = #"{"stream":"order-3","type":"OrderCreated","data":7}"# + "\n" + #"{"stream":"user-2","type":"UserJoined","data":8}"#
        #expect(try CLIProcess.run(["append", "--dir", dir.path], input: later).status == 0)
        #expect(try Self.positions(["--since", between], in: dir) == [7, 8])
        #expect(try Self.positions(["--since", between, "--category", "user"], in: dir) == [8])
        #expect(try Self.positions(["--since", "2000-01-01"], in: dir) == Array(1...8))
        #expect(try Self.positions(["--since", "2999-01-01T00:00:00+02:00"], in: dir) == [])
        #expect(try Self.positions(["--since", "1000-01-01T00:00:00Z", "--limit", "2"], in: dir) == [1, 2])
    }

    /// Proves reads longer than one page (1024 events) come back whole and in order, for the
    /// whole log both ways, a stream both ways, and a category.
    @Test func readsPastOnePage() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = (0..<2500).map { #"{"stream":"big-1","type":"T","data":\#($0)}"# }.joined(separator: "\n")
        #expect(try CLIProcess.run(["append", "--dir", dir.path, "--durability", "none"], input: input).status == 0)
        #expect(try Self.positions([], in: dir) == Array(1...2500))
        #expect(try Self.positions(["--backward"], in: dir) == Array((1...2500).reversed()))
        #expect(try Self.positions(["--backward", "--from", "2000", "--limit", "1500"], in: dir) == Array((501...2000).reversed()))
        #expect(try Self.positions(["--stream", "big-1", "--from-version", "10"], in: dir) == Array(11...2500))
        #expect(try Self.positions(["--stream", "big-1", "--backward", "--limit", "1030"], in: dir) == Array((1471...2500).reversed()))
        #expect(try Self.positions(["--category", "big", "--limit", "2000"], in: dir) == Array(1...2000))
    }

    /// Proves `read` writes each event's stored time as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, floored
    /// to the millisecond, from 0 to Int64.max nanoseconds (the log stores no time before 1970):
    /// events appended with exact timestamps through the library, expected strings computed apart.
    @Test func timestampsAreUTCMillisecondsFloored() async throws {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (999_999, "1970-01-01T00:00:00.000Z"), (86_399_999_999_999, "1970-01-01T23:59:59.999Z"),
            (951_782_400_500_000_000, "2000-02-29T00:00:00.500Z"), (1_234_567_890_125_999_999, "2009-02-13T23:31:30.125Z"),
            (4_102_444_799_250_000_000, "2099-12-31T23:59:59.250Z"), (.max, "2262-04-11T23:47:16.854Z"),
        ]
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        for (index, (nanoseconds, _)) in cases.enumerated() {  // in time order: the log keeps time non-decreasing
            try await store.append(to: StreamName("t-\(index)"), [EventData(type: "T", data: Array("1".utf8), timestampNanoseconds: nanoseconds)])
        }
        try await store.close()
        let run = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(run.status == 0, "\(run.stderr)")
        let written = run.stdoutLines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["timestamp"] as? String
        }
        #expect(written == cases.map(\.1))
    }

    /// Proves a soft-deleted and a hard-deleted stream are clear errors for `--stream`.
    @Test func deletedStreamsAreErrors() async throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        try await store.softDelete(stream: "order-1")
        try await store.hardDelete(stream: "order-2")
        try await store.close()
        let soft = try CLIProcess.run(["read", "--dir", dir.path, "--stream", "order-1"])
        #expect(soft.status == 1)
        #expect(soft.stderr.contains("stream order-1 is deleted"), "\(soft.stderr)")
        let hard = try CLIProcess.run(["read", "--dir", dir.path, "--stream", "order-2"])
        #expect(hard.status == 1)
        #expect(hard.stderr.contains("stream order-2 is hard-deleted"), "\(hard.stderr)")
        #expect(try Self.positions(["--stream", "user-1"], in: dir) == [4])
    }

    /// Proves every refused combination and malformed value fails with a message naming the
    /// problem and a non-zero exit, never a trap.
    @Test(arguments: [
        (["--stream", "s", "--from", "2"], "--stream cannot be combined with --from"),
        (["--stream", "s", "--category", "c"], "--stream cannot be combined with --category"),
        (["--stream", "s", "--type", "T", "--since", "2020-01-01"], "--stream cannot be combined with --type, --since"),
        (["--from-version", "1"], "--from-version needs --stream"),
        (["--since", "2020-01-01", "--from", "3"], "give one start"),
        (["--since", "yesterday"], "--since must be an ISO 8601 time"),
        (["--since", "2026-13-01T00:00:00Z"], "--since must be an ISO 8601 time"),
        (["--category", "c", "--backward"], "--backward works with"),
        (["--since", "2020-01-01", "--backward"], "--backward works with"),
        (["--stream", ""], "--stream must be 1...1024 bytes"),
        (["--limit", "0"], "--limit must be positive"),
        (["--limit", "-1"], "--limit"),
        (["--from", "-1"], "from"),
        (["--from-version", "x", "--stream", "s"], "from-version"),
    ])
    func refusedCombinationsFailCleanly(arguments: [String], message: String) throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let run = try CLIProcess.run(["read", "--dir", dir.path] + arguments)
        #expect(run.status != 0)
        #expect(run.status < 128, "terminated by a signal: \(run.status)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// Proves extreme positions and versions read as empty instead of overflowing.
    @Test(arguments: [
        ["--from", "18446744073709551615"],
        ["--from", "18446744073709551615", "--backward", "--limit", "1"],
        ["--from", "0", "--backward"],
        ["--stream", "order-1", "--from-version", "18446744073709551615"],
        ["--stream", "order-1", "--from-version", "0", "--backward"],
        ["--type", "T", "--from", "18446744073709551615"],
        ["--since", "99999-01-01T00:00:00Z"],
    ])
    func extremePositionsDoNotTrap(arguments: [String]) throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let run = try CLIProcess.run(["read", "--dir", dir.path] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines.count <= 1)
    }

    /// Waits (up to 5 s) until the wall clock is past `time`.
    static func waitForClock(toPass time: Date) {
        #expect(Deadline.wait(seconds: 5) { Date() > time }, "the clock did not advance")
    }
}
