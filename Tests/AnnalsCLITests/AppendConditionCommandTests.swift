import AnnalsTestSupport
import Foundation
import Testing

/// `annals append --fail-if-match QUERY_JSON --after P`: a DCB append condition on the run's
/// first commit, its exit status, and how it combines with `--expected-version`.
@Suite(.timeLimit(.minutes(10))) struct AppendConditionCommandTests {
    static func line(_ stream: String, _ type: String, tags: [String], data: String = "1") -> String {
        #"{"stream":"\#(stream)","type":"\#(type)","tags":[\#(tags.map { "\"\($0)\"" }.joined(separator: ","))],"data":\#(data)}"# + "\n"
    }

    /// Positions 1...4: course c1 defined, s7 subscribed to c1, course c2 defined, s8 to c2.
    static func store() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let input = line("course-c1", "CourseDefined", tags: ["course:c1"])
            + line("student-s7", "StudentSubscribed", tags: ["student:s7", "course:c1"])
            + line("course-c2", "CourseDefined", tags: ["course:c2"])
            + line("student-s8", "StudentSubscribed", tags: ["student:s8", "course:c2"])
        let run = try CLIProcess.run(["append", "--dir", dir.path], input: input)
        #expect(run.status == 0, "\(run.stderr)")
        return dir
    }

    static func eventCount(_ dir: TemporaryDirectory) throws -> Int {
        try CLIProcess.run(["read", "--dir", dir.path]).stdoutLines.count
    }

    static let subscribe = line("student-s9", "StudentSubscribed", tags: ["student:s9", "course:c1"])

    /// Proves the condition passes when nothing matches its query after its position (no
    /// matching event at all; matching events only up to `--after`), and then appends as usual.
    @Test(arguments: [
        ([#"[{"tags":["course:c9"]}]"#], 5),
        ([#"[{"types":["CourseCancelled"],"tags":["course:c1"]}]"#, "--after", "0"], 5),
        ([#"[{"tags":["course:c1"]}]"#, "--after", "2"], 5),
        ([#"[{"tags":["student:s7"]},{"types":["CourseDefined"],"tags":["course:c2"]}]"#, "--after", "3"], 5),
        ([#"[{}]"#, "--after", "4"], 5),
    ])
    func conditionHoldsAndTheEventsAreAppended(condition: [String], position: Int) throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--fail-if-match"] + condition, input: Self.subscribe)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines == [#"{"position":\#(position),"stream":"student-s9","version":0}"#])
        #expect(try Self.eventCount(dir) == 5)
    }

    /// Proves a failing condition appends nothing, names the first conflicting position (the
    /// first matching event after `--after`) and exits with status 3; `--after` moves it.
    @Test(arguments: [
        ([#"[{"tags":["course:c1"]}]"#], 1, 0),
        ([#"[{"tags":["course:c1"]}]"#, "--after", "0"], 1, 0),
        ([#"[{"tags":["course:c1"]}]"#, "--after", "1"], 2, 1),
        ([#"[{"types":["StudentSubscribed"]}]"#, "--after", "2"], 4, 2),
        ([#"[{"tags":["nothing"]},{"types":["CourseDefined"],"tags":["course:c2"]}]"#], 3, 0),
        ([#"[{"tags":["student:s8","course:c2"]}]"#, "--after", "3"], 4, 3),
        ([#"[{}]"#, "--after", "3"], 4, 3),
    ])
    func conditionFailsWithTheFirstConflictingPosition(condition: [String], conflict: Int, after: Int) throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--fail-if-match"] + condition, input: Self.subscribe + Self.subscribe)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("append condition failed: an event matching --fail-if-match was appended at position \(conflict), after position \(after)"),
                "\(run.stderr)")
        #expect(run.stderr.contains("lines 1-2 not appended"), "\(run.stderr)")
        #expect(try Self.eventCount(dir) == 4)
    }

    /// Proves the condition is checked on the first commit only: a run of many commits whose own
    /// events match the query succeeds (a second check would fail on the first commit's events).
    @Test func conditionIsCheckedOnTheFirstCommitOnly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let pad = String(repeating: "x", count: 200)
        let input = (0..<60).map { Self.line("invoice-\($0)", "InvoiceCreated", tags: ["invoices"], data: #"{"n":\#($0),"pad":"\#(pad)"}"#) }.joined()
        let run = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096",
                                      "--fail-if-match", #"[{"tags":["invoices"]}]"#, "--after", "0"], input: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines.count == 60)
        let again = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096",
                                        "--fail-if-match", #"[{"tags":["invoices"]}]"#, "--after", "59"], input: input)
        #expect(again.status == 3, "\(again.stderr)")
        #expect(again.stderr.contains("at position 60, after position 59"), "\(again.stderr)")
        #expect(try Self.eventCount(dir) == 60)
    }

    /// Proves `--fail-if-match` and `--expected-version` apply together to the first commit:
    /// both holding appends; either failing appends nothing, with that check's message and status.
    @Test func conditionCombinesWithExpectedVersion() throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let event = #"{"type":"StudentSubscribed","tags":["student:s7","course:c2"],"data":1}"# + "\n"
        let base = ["append", "--dir", dir.path, "--stream", "student-s7"]
        let staleVersion = try CLIProcess.run(base + ["--expected-version", "5", "--fail-if-match", #"[{"tags":["course:c2"]}]"#, "--after", "4"], input: event)
        #expect(staleVersion.status == 1, "\(staleVersion.stderr)")
        #expect(staleVersion.stderr.contains("wrong expected version: stream student-s7 expected 5 actual 0"), "\(staleVersion.stderr)")
        let conflict = try CLIProcess.run(base + ["--expected-version", "0", "--fail-if-match", #"[{"tags":["course:c2"]}]"#, "--after", "3"], input: event)
        #expect(conflict.status == 3, "\(conflict.stderr)")
        #expect(conflict.stderr.contains("at position 4, after position 3"), "\(conflict.stderr)")
        #expect(try Self.eventCount(dir) == 4)
        let both = try CLIProcess.run(base + ["--expected-version", "0", "--fail-if-match", #"[{"tags":["course:c2"]}]"#, "--after", "4"], input: event)
        #expect(both.status == 0, "\(both.stderr)")
        #expect(both.stdoutLines == [#"{"position":5,"stream":"student-s7","version":1}"#])
        let read = try CLIProcess.run(["read", "--dir", dir.path, "--tag", "student:s7", "--tag", "course:c2"])
        #expect(read.stdoutLines.count == 1)
        #expect(read.stdout.hasPrefix(#"{"position":5,"stream":"student-s7","version":1,"type":"StudentSubscribed","tags":["student:s7","course:c2"]"#))
    }

    /// Proves re-sending a batch whose ids are all stored is a replay: it acknowledges the
    /// original positions although its own events now match the condition (the library's rule).
    @Test func replayIsAcknowledgedWithoutCheckingTheCondition() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = #"{"stream":"user-ann","type":"UsernameClaimed","id":"0190a1b2-c3d4-7e5f-8a9b-000000000001","tags":["username:ann"],"data":1}"# + "\n"
        let claim = ["append", "--dir", dir.path, "--fail-if-match", #"[{"types":["UsernameClaimed"],"tags":["username:ann"]}]"#]
        let first = try CLIProcess.run(claim, input: input)
        #expect(first.status == 0, "\(first.stderr)")
        let retry = try CLIProcess.run(claim, input: input)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stdout == first.stdout)
        let other = #"{"stream":"user-ann-2","type":"UsernameClaimed","tags":["username:ann"],"data":2}"#
        let taken = try CLIProcess.run(claim, input: other)
        #expect(taken.status == 3, "\(taken.stderr)")
        #expect(taken.stderr.contains("at position 1, after position 0"), "\(taken.stderr)")
        #expect(try Self.eventCount(dir) == 1)
    }

    /// Proves bad `--fail-if-match` and `--after` arguments are usage errors with a message,
    /// before anything is read or appended.
    @Test(arguments: [
        (["--after", "3"], "--after needs --fail-if-match"),
        (["--fail-if-match", "[]"], "--fail-if-match needs at least one item"),
        (["--fail-if-match", "tags"], "--fail-if-match is not a query"),
        (["--fail-if-match", #"{"tags":["a"]}"#], "a query must be a JSON array"),
        (["--fail-if-match", #"[{"tagz":["a"]}]"#], #"unknown query key "tagz""#),
        (["--fail-if-match", #"[{"tags":[""]}]"#], "a tag in --fail-if-match must be 1...255 bytes of UTF-8, got 0"),
        (["--fail-if-match", #"[{"types":[""]}]"#], "a type in --fail-if-match must be 1...1024 bytes"),
        (["--fail-if-match", #"[{"tags":["a"]}]"#, "--after", "x"], "after"),
    ])
    func badConditionArgumentsAreUsageErrors(arguments: [String], message: String) throws {
        let dir = try Self.store()
        defer { dir.remove() }
        let run = try CLIProcess.run(["append", "--dir", dir.path] + arguments, input: Self.subscribe)
        #expect(run.status == 64, "\(run.status): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(try Self.eventCount(dir) == 4)
    }
}
