import Annals
import AnnalsTestSupport
import Foundation
import Testing

/// `annals append` through the event store: `--stream`, `--expected-version`, idempotent
/// re-sends and multi-stream atomic batches.
@Suite(.timeLimit(.minutes(10))) struct AppendCommandTests {
    static func line(_ stream: String?, _ type: String = "T", data: String = "1", id: String? = nil) -> String {
        var fields: [String] = []
        if let stream { fields.append(#""stream":"\#(stream)""#) }
        fields.append(#""type":"\#(type)""#)
        if let id { fields.append(#""id":"\#(id)""#) }
        fields.append(#""data":\#(data)"#)
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    static func id(_ number: Int) -> String { String(format: "0190a1b2-c3d4-7e5f-8a9b-%012x", number) }

    static func eventCount(_ dir: TemporaryDirectory) throws -> Int {
        try CLIProcess.run(["read", "--dir", dir.path]).stdoutLines.count
    }

    /// Proves `--expected-version` passes when the stream is as expected (no-stream, then N) and
    /// a wrong one prints the typed error and appends nothing, by running three appends.
    @Test func expectedVersionPassesThenConflicts() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let first = try CLIProcess.run(["append", "--dir", dir.path, "--stream", "order-1", "--expected-version", "no-stream"],
                                       input: Self.line(nil) + Self.line(nil))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdoutLines == [#"{"position":1,"stream":"order-1","version":0}"#, #"{"position":2,"stream":"order-1","version":1}"#])
        let second = try CLIProcess.run(["append", "--dir", dir.path, "--stream", "order-1", "--expected-version", "1"], input: Self.line(nil))
        #expect(second.stdoutLines == [#"{"position":3,"stream":"order-1","version":2}"#])
        let stale = try CLIProcess.run(["append", "--dir", dir.path, "--stream", "order-1", "--expected-version", "1"], input: Self.line(nil))
        #expect(stale.status == 1)
        #expect(stale.stdout.isEmpty)
        #expect(stale.stderr.contains("wrong expected version: stream order-1 expected 1 actual 2"), "\(stale.stderr)")
        let missing = try CLIProcess.run(["append", "--dir", dir.path, "--stream", "order-2", "--expected-version", "exists"], input: Self.line(nil))
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("wrong expected version: stream order-2 expected exists actual no-stream"), "\(missing.stderr)")
        #expect(try Self.eventCount(dir) == 3)
    }

    /// Proves each later commit of one run expects the version the previous commit reached, by
    /// sending more than one segment's worth of events (several commits) under `no-stream`.
    @Test func expectedVersionChainsAcrossCommits() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let pad = String(repeating: "x", count: 200)
        let input = (0..<60).map { Self.line(nil, data: #"{"n":\#($0),"pad":"\#(pad)"}"#) }.joined()
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096", "--stream", "s",
                                      "--expected-version", "no-stream"], input: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines == (0..<60).map { #"{"position":\#($0 + 1),"stream":"s","version":\#($0)}"# })
    }

    /// Proves `--stream` fills in a missing "stream", accepts the same name, and refuses a line
    /// naming another stream with its line number, keeping the lines before it.
    @Test func streamOptionDefaultsAndRefusesAnotherStream() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = Self.line(nil) + Self.line("s") + Self.line("t") + Self.line(nil)
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--stream", "s"], input: input)
        #expect(run.status == 1)
        #expect(run.stderr.contains("line 3"), "\(run.stderr)")
        #expect(run.stderr.contains(#""stream" is "t" but --stream is "s""#), "\(run.stderr)")
        #expect(run.stdoutLines == [#"{"position":1,"stream":"s","version":0}"#, #"{"position":2,"stream":"s","version":1}"#])
        #expect(try Self.eventCount(dir) == 2)
    }

    /// Proves re-sending events whose ids are all stored writes nothing and acknowledges the
    /// original positions and versions, for the whole batch and for a part of it.
    @Test func resendingStoredIDsIsIdempotent() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let lines = [Self.line("a", id: Self.id(1)), Self.line("b", id: Self.id(2)), Self.line("a", id: Self.id(3))]
        let first = try CLIProcess.run(["append", "--dir", dir.path], input: lines.joined())
        #expect(first.status == 0, "\(first.stderr)")
        let again = try CLIProcess.run(["append", "--dir", dir.path], input: lines.joined())
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == first.stdout)
        let part = try CLIProcess.run(["append", "--dir", dir.path, "--stream", "a", "--expected-version", "no-stream"], input: lines[2])
        #expect(part.status == 0, "\(part.stderr)")
        #expect(part.stdoutLines == [#"{"position":3,"stream":"a","version":1}"#])
        #expect(try Self.eventCount(dir) == 3)
    }

    /// Proves a batch mixing stored and new ids is refused whole (an idempotency conflict),
    /// across streams: the new event of another stream in the same batch is not appended either.
    @Test func partlyStoredBatchIsRefusedWhole() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try CLIProcess.run(["append", "--dir", dir.path], input: Self.line("a", id: Self.id(1)))
        let mixed = try CLIProcess.run(["append", "--dir", dir.path], input: Self.line("b", id: Self.id(2)) + Self.line("a", id: Self.id(1)))
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("idempotency conflict"), "\(mixed.stderr)")
        #expect(mixed.stderr.contains("lines 1-2 not appended"), "\(mixed.stderr)")
        #expect(mixed.stdout.isEmpty)
        #expect(try Self.eventCount(dir) == 1)
    }

    /// Proves a batch naming several streams is one atomic append: when one of its streams is
    /// hard-deleted the whole batch fails and no stream gets anything; otherwise every stream
    /// gets its events, in input order.
    @Test func multiStreamBatchIsAtomic() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        try await store.append(to: "dead", [EventData(type: "T", data: Array("1".utf8))])
        try await store.hardDelete(stream: "dead")
        try await store.close()
        let refused = try CLIProcess.run(["append", "--dir", dir.path], input: Self.line("a") + Self.line("dead") + Self.line("b"))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("stream dead is hard-deleted"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(try Self.eventCount(dir) == 1)
        let accepted = try CLIProcess.run(["append", "--dir", dir.path], input: Self.line("a") + Self.line("b") + Self.line("a"))
        #expect(accepted.stdoutLines == [
            #"{"position":3,"stream":"a","version":0}"#, #"{"position":4,"stream":"b","version":0}"#,
            #"{"position":5,"stream":"a","version":1}"#,
        ])
    }

    /// Proves an id repeated inside one batch, and an event too large for a segment, are bad
    /// lines reported with their numbers, the lines before them durable.
    @Test(arguments: [
        (AppendCommandTests.line("s", id: AppendCommandTests.id(7)), "repeats the id of line 2"),
        (AppendCommandTests.line("s", data: "\"" + String(repeating: "y", count: 5000) + "\""), "more than"),
        (AppendCommandTests.line(String(repeating: "s", count: 1025)), "the most is 1024"),
        (AppendCommandTests.line("s", String(repeating: "T", count: 1025)), "the most is 1024"),
    ])
    func badLinesInsideABatch(bad: String, message: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = Self.line("s") + Self.line("s", id: Self.id(7)) + bad + Self.line("s")
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096"], input: input)
        #expect(run.status == 1)
        #expect(run.stderr.contains("line 3"), "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdoutLines.count == 2)
        #expect(try Self.eventCount(dir) == 2)
    }

    /// Proves bad `--stream` and `--expected-version` arguments fail with a message, never a trap.
    @Test(arguments: [
        ["--expected-version", "0"],
        ["--stream", "s", "--expected-version", "maybe"],
        ["--stream", "s", "--expected-version", "-1"],
        ["--stream", "s", "--expected-version", "+1"],
        ["--stream", "s", "--expected-version", "18446744073709551616"],
        ["--stream", ""],
        ["--stream", String(repeating: "s", count: 1025)],
    ])
    func badAppendArgumentsFailCleanly(arguments: [String]) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let run = try CLIProcess.run(["append", "--dir", dir.path] + arguments, input: Self.line(nil))
        #expect(run.status != 0)
        #expect(run.status < 128, "terminated by a signal: \(run.status)")
        #expect(!run.stderr.isEmpty)
        #expect(run.stdout.isEmpty)
    }
}
