import AnnalsTestSupport
import Foundation
import Testing

/// `annals read --tag/--type/--after/--query`: tag queries served by the query index, checked
/// against a brute-force filter of the whole-log `annals read` output.
@Suite(.timeLimit(.minutes(10))) struct TagQueryReadTests {
    static let types = ["CourseDefined", "StudentSubscribed", "StudentLeft", "Other"]

    /// Event `n` (from 0): its stream, type and tags, a deterministic mix over 5 courses,
    /// 7 students and 2 terms (every event has a term, so a term selects more than a page).
    static func line(_ n: Int) -> String {
        var tags = ["course:c\(n % 5)", "term:\(n % 2)"]
        if n % 3 != 0 { tags.append("student:s\(n % 7)") }
        let tagList = tags.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"stream":"course-\#(n % 5)","type":"\#(types[n % 4 == 3 ? 3 : (n / 3) % 3])","tags":[\#(tagList)],"data":{"n":\#(n)}}"#
    }

    /// One whole-log output line, as the brute force sees it.
    struct Event {
        var line: String
        var position: Int
        var type: String
        var tags: [String]
    }

    /// 2,200 events over small segments, most of them sealed: indexes of sealed, full and
    /// active segments all take part.
    static func store() throws -> (TemporaryDirectory, [Event]) {
        let dir = TemporaryDirectory()
        let options = ["--dir", dir.path, "--segment-size", "65536", "--durability", "none", "--sealing", "manual"]
        let first = (0..<1800).map(line).joined(separator: "\n")
        #expect(try CLIProcess.run(["append"] + options, input: first).status == 0)
        #expect(try CLIProcess.run(["seal", "--dir", dir.path]).status == 0)
        let second = (1800..<2200).map(line).joined(separator: "\n")
        #expect(try CLIProcess.run(["append"] + options, input: second).status == 0)
        let read = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(read.status == 0, "\(read.stderr)")
        let events = read.stdoutLines.map { line in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
            return Event(line: line, position: (object["position"] as? NSNumber)?.intValue ?? -1,
                         type: object["type"] as? String ?? "", tags: object["tags"] as? [String] ?? [])
        }
        #expect(events.count == 2200)
        return (dir, events)
    }

    /// A query read's arguments and what it selects: any of `items` (types: any of; tags: all
    /// of), after `after`, at most `limit`.
    struct Case: CustomStringConvertible {
        var arguments: [String]
        var items: [(types: [String], tags: [String])]
        var after = 0
        var limit = Int.max
        var description: String { arguments.joined(separator: " ") }

        func selects(_ event: Event) -> Bool {
            event.position > after && items.contains { item in
                (item.types.isEmpty || item.types.contains(event.type)) && item.tags.allSatisfy(event.tags.contains)
            }
        }
    }

    static let cases: [Case] = [
        Case(arguments: ["--tag", "course:c1"], items: [([], ["course:c1"])]),
        Case(arguments: ["--tag", "course:c1", "--tag", "student:s3"], items: [([], ["course:c1", "student:s3"])]),
        Case(arguments: ["--tag", "course:c2", "--type", "StudentSubscribed"], items: [(["StudentSubscribed"], ["course:c2"])]),
        Case(arguments: ["--tag", "course:c2", "--type", "StudentSubscribed", "--type", "StudentLeft"],
             items: [(["StudentSubscribed", "StudentLeft"], ["course:c2"])]),
        Case(arguments: ["--type", "StudentLeft", "--type", "Other"], items: [(["StudentLeft", "Other"], [])]),
        Case(arguments: ["--type", "StudentLeft", "--after", "1000"], items: [(["StudentLeft"], [])], after: 1000),
        Case(arguments: ["--tag", "student:s3", "--after", "1799"], items: [([], ["student:s3"])], after: 1799),
        Case(arguments: ["--tag", "student:s3", "--after", "0"], items: [([], ["student:s3"])]),
        Case(arguments: ["--tag", "course:c1", "--from", "101"], items: [([], ["course:c1"])], after: 100),
        Case(arguments: ["--tag", "course:c1", "--after", "50", "--limit", "7"], items: [([], ["course:c1"])], after: 50, limit: 7),
        Case(arguments: ["--tag", "term:0"], items: [([], ["term:0"])]),
        Case(arguments: ["--tag", "term:1", "--after", "300", "--limit", "1030"], items: [([], ["term:1"])], after: 300, limit: 1030),
        Case(arguments: ["--tag", "nobody"], items: [([], ["nobody"])]),
        Case(arguments: ["--tag", "course:c1", "--type", "NoSuchType"], items: [(["NoSuchType"], ["course:c1"])]),
        Case(arguments: ["--after", "2150"], items: [([], [])], after: 2150),
        Case(arguments: ["--tag", "course:c4", "--after", "2200"], items: [([], ["course:c4"])], after: 2200),
        Case(arguments: ["--query", #"[{"types":["CourseDefined"],"tags":["course:c3"]},{"tags":["student:s5","term:0"]}]"#],
             items: [(["CourseDefined"], ["course:c3"]), ([], ["student:s5", "term:0"])]),
        Case(arguments: ["--query", #" [ {"tags":["course:c0"]} , {"types":["Other","StudentLeft"],"tags":[]} ] "#, "--after", "1500"],
             items: [([], ["course:c0"]), (["Other", "StudentLeft"], [])], after: 1500),
        Case(arguments: ["--query", #"[{"types":["Other"]},{"types":["Other"],"tags":["course:c1"]}]"#, "--limit", "5"],
             items: [(["Other"], [])], limit: 5),
    ]

    /// Proves every tag query (tags, types, --after/--from, --limit, several items, pages of more
    /// than 1,024 events) writes exactly the lines of the whole-log read that it selects, in
    /// order: the query index returns no more and no fewer events than a filter of everything.
    @Test func tagQueriesEqualABruteForceFilter() throws {
        let (dir, events) = try Self.store()
        defer { dir.remove() }
        for query in Self.cases {
            let run = try CLIProcess.run(["read", "--dir", dir.path] + query.arguments)
            #expect(run.status == 0, "\(query): \(run.stderr)")
            let expected = Array(events.filter(query.selects).prefix(query.limit).map(\.line))
            let written = run.stdoutLines
            #expect(written.count == expected.count, "\(query)")
            #expect(written == expected, "\(query)")
        }
        #expect(events.filter(Self.cases[10].selects).count > 1024, "a term spans more than one page")
    }

    /// Proves a single `--type` without tag options still reads as it always did, and gives
    /// the same events as the tag query of that one type.
    @Test func singleTypeReadsAsBefore() throws {
        let (dir, events) = try Self.store()
        defer { dir.remove() }
        let plain = try CLIProcess.run(["read", "--dir", dir.path, "--type", "StudentLeft", "--from", "1001"])
        let query = try CLIProcess.run(["read", "--dir", dir.path, "--type", "StudentLeft", "--after", "1000"])
        #expect(plain.status == 0 && query.status == 0)
        #expect(plain.stdout == query.stdout)
        #expect(plain.stdoutLines == events.filter { $0.type == "StudentLeft" && $0.position > 1000 }.map(\.line))
    }

    /// Proves the combinations a tag query refuses, and bad query values, fail with a message
    /// naming the problem and a non-zero exit, writing nothing.
    @Test(arguments: [
        (["--tag", "t", "--stream", "s"], "--stream cannot be combined with --tag"),
        (["--stream", "s", "--after", "3"], "--stream cannot be combined with --after"),
        (["--stream", "s", "--query", "[{}]"], "--stream cannot be combined with --query"),
        (["--tag", "t", "--category", "c"], "--category cannot be combined with --tag"),
        (["--type", "A", "--type", "B", "--category", "c"], "--category cannot be combined"),
        (["--tag", "t", "--backward"], "--backward works with a whole-log or --stream read, not with a tag query"),
        (["--tag", "t", "--after", "2", "--from", "3"], "give one start (--after, --from or --since), not --after and --from"),
        (["--tag", "t", "--from", "3", "--since", "2020-01-01"], "give one start"),
        (["--query", "[{}]", "--tag", "t"], "give --query, or --tag and --type, not both"),
        (["--query", "[{}]", "--type", "T"], "give --query, or --tag and --type, not both"),
        (["--tag", ""], "a tag must be 1...255 bytes of UTF-8, got 0"),
        (["--tag", String(repeating: "t", count: 256)], "a tag must be 1...255 bytes of UTF-8, got 256"),
        (["--type", "", "--tag", "t"], "a type must be 1...1024 bytes of UTF-8, got 0"),
        (["--query", "[]"], "--query needs at least one item"),
        (["--query", "{}"], "--query is not a query: a query must be a JSON array"),
        (["--query", #"[{"tag":["t"]}]"#], #"unknown query key "tag" (expected types, tags)"#),
        (["--query", #"[{"tags":"t"}]"#], #""tags" must be an array of strings"#),
        (["--query", #"[{"tags":["t"],"tags":["u"]}]"#], #"query key "tags" appears twice"#),
        (["--query", #"[{"types":[1]}]"#], #""types" must be an array of strings"#),
        (["--query", #"[{"tags":["t"]}"#], "expected ']'"),
        (["--query", #"[{"tags":[""]}]"#], "a tag in --query must be 1...255 bytes"),
        (["--query", #"[["t"]]"#], "a query item must be an object"),
        (["--query", #"[{}] x"#], "unexpected bytes after the array"),
        (["--after", "-1"], "after"),
    ])
    func refusedTagQueriesFailCleanly(arguments: [String], message: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        #expect(try CLIProcess.run(["append", "--dir", dir.path], input: Self.line(0)).status == 0)
        let run = try CLIProcess.run(["read", "--dir", dir.path] + arguments)
        #expect(run.status != 0)
        #expect(run.status < 128, "terminated by a signal: \(run.status)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
