import AnnalsTestSupport
import Foundation
import Testing

/// `"tags"` on `annals append` input lines and in `annals read` output (issue 16).
@Suite(.timeLimit(.minutes(10))) struct TagsCommandTests {
    /// Proves tags go in as a JSON array and come back out of `read` as the same array, in
    /// input order, escapes resolved and re-escaped, up to the limits (32 tags, 255 bytes), and
    /// that an event without tags (absent, `[]` or `null`) is written without a "tags" key.
    @Test func tagsRoundTripFromAppendToRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let longest = String(repeating: "t", count: 255)
        let many = (0..<32).map { "\"k:\($0)\"" }.joined(separator: ",")
        let input = [
            #"{"stream":"s-1","type":"Subscribed","tags":["student:s7","course:c1"],"data":{"a":1}}"#,
            #"{"stream":"s-1","type":"T","data":2,"tags":["quote\"back\\slash","caf\u00e9"]}"#,
            #"{"stream":"s-2","type":"T","data":3}"#,
            #"{"stream":"s-2","type":"T","data":4,"tags":[]}"#,
            #"{"stream":"s-2","type":"T","data":5,"tags":null}"#,
            #"{"stream":"s-3","type":"T","data":6,"tags":["\#(longest)"]}"#,
            #"{"stream":"s-3","type":"T","data":7,"tags":[\#(many)]}"#,
        ].joined(separator: "\n")
        let append = try CLIProcess.run(["append", "--dir", dir.path], input: input)
        #expect(append.status == 0, "\(append.stderr)")
        let read = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(read.status == 0, "\(read.stderr)")
        let lines = read.stdoutLines
        try #require(lines.count == 7)
        #expect(lines[0].hasPrefix(#"{"position":1,"stream":"s-1","version":0,"type":"Subscribed","tags":["student:s7","course:c1"],"id":""#))
        #expect(lines[0].hasSuffix(#","data":{"a":1},"metadata":null}"#))
        #expect(lines[1].contains(#""type":"T","tags":["quote\"back\\slash","café"],"id":"#), "\(lines[1])")
        for line in lines[2...4] {
            #expect(!line.contains("tags"), "\(line)")
            #expect(line.contains(#""type":"T","id":"#), "\(line)")
        }
        #expect(lines[5].contains(#""tags":["\#(longest)"]"#))
        #expect(lines[6].contains(#""tags":[\#(many)]"#))
        // The library reads the same tags back.
        let tags = lines.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["tags"] as? [String] ?? []
        }
        #expect(tags[0] == ["student:s7", "course:c1"])
        #expect(tags[1] == ["quote\"back\\slash", "café"])
        #expect(tags[6] == (0..<32).map { "k:\($0)" })
    }

    /// Proves a bad "tags" value stops `append` at its line, with its number and what is wrong,
    /// keeping the line before it durable and appending nothing after it.
    @Test(arguments: [
        (#""tags":"student:s7""#, "\"tags\" must be an array of strings"),
        (#""tags":{"a":1}"#, "\"tags\" must be an array of strings"),
        (#""tags":["a",1]"#, "\"tags\" must be an array of strings"),
        (#""tags":[["a"]]"#, "\"tags\" must be an array of strings"),
        (#""tags":[""]"#, "a tag must not be empty"),
        (#""tags":["\#(String(repeating: "x", count: 256))"]"#, "a tag takes 256 bytes; the most is 255"),
        (#""tags":["é\#(String(repeating: "x", count: 254))"]"#, "a tag takes 256 bytes; the most is 255"),
        (#""tags":[\#((0..<33).map { "\"k\($0)\"" }.joined(separator: ","))]"#, "\"tags\" holds 33 tags; the most is 32"),
        (#""tags":["a","b","a"]"#, "tag \"a\" appears twice"),
        (#""tags":["a","\u0061"]"#, "tag \"a\" appears twice"),
        (#""tags":["a"],"tags":["b"]"#, "field \"tags\" appears twice"),
        (#""tags":["a",]"#, "unexpected character"),
    ])
    func badTagsStopTheRunAtTheirLine(field: String, message: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let input = #"{"stream":"s","type":"T","data":1,"tags":["ok"]}"# + "\n"
            + #"{"stream":"s","type":"T","data":2,"# + field + "}\n"
            + #"{"stream":"s","type":"T","data":3,"tags":["ok"]}"# + "\n"
        let append = try CLIProcess.run(["append", "--dir", dir.path], input: input)
        #expect(append.status == 1)
        #expect(append.stderr.contains("line 2"), "\(append.stderr)")
        #expect(append.stderr.contains(message), "\(append.stderr)")
        #expect(append.stdoutLines == [#"{"position":1,"stream":"s","version":0}"#])
        let read = try CLIProcess.run(["read", "--dir", dir.path])
        #expect(read.stdoutLines.count == 1)
        #expect(read.stdout.contains(#""tags":["ok"]"#))
    }

    /// Proves tags count in an event's size: a line whose tags make it too large for one segment
    /// is refused with its number, where the same line without them fits.
    @Test func tagsCountTowardsTheLargestEvent() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let tags = (0..<32).map { "\"\(String(repeating: "t", count: 200))\($0)\"" }.joined(separator: ",")
        let data = "\"" + String(repeating: "d", count: 3000) + "\""
        let fits = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096"],
                                      input: #"{"stream":"s","type":"T","data":\#(data)}"#)
        #expect(fits.status == 0, "\(fits.stderr)")
        let tooLarge = try CLIProcess.run(["append", "--dir", dir.path, "--segment-size", "4096"],
                                          input: #"{"stream":"s","type":"T","data":\#(data),"tags":[\#(tags)]}"#)
        #expect(tooLarge.status == 1)
        #expect(tooLarge.stderr.contains("line 1"), "\(tooLarge.stderr)")
        #expect(tooLarge.stderr.contains("more than"), "\(tooLarge.stderr)")
    }
}
