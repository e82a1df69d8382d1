import AnnalsJSON
import Testing

/// The strict parser of a tag query's JSON form (`--fail-if-match`, `read --query`) and the
/// string-array scanner behind an input line's `"tags"`.
@Suite(.timeLimit(.minutes(1))) struct EventQueryJSONTests {
    /// Proves items, absent keys, whitespace and escapes parse to the decoded types and tags.
    @Test func parsesItems() throws {
        let query = try EventQueryJSON.parse(#" [ {"types":["A","B"],"tags":["t:1"]}, {}, {"tags":["caf\u00e9","q\"x"]} ,{"types":[]} ] "#)
        #expect(query.items == [
            .init(types: ["A", "B"], tags: ["t:1"]), .init(), .init(tags: ["café", "q\"x"]), .init(types: []),
        ])
        #expect(try EventQueryJSON.parse("[]").items.isEmpty)
    }

    /// Proves each malformed or loose query is refused with what is wrong and its byte offset,
    /// so a misspelt key never turns into an item that matches every event.
    @Test(arguments: [(String, String)](arrayLiteral:
        ("", "a query must be a JSON array"),
        ("{}", "a query must be a JSON array"),
        ("[1]", "a query item must be an object"),
        (#"[{"type":["A"]}]"#, #"unknown query key "type" (expected types, tags) at byte 3"#),
        (#"[{"types":["A"],"types":["B"]}]"#, #"query key "types" appears twice in one item"#),
        (#"[{"tags":"a"}]"#, #""tags" must be an array of strings"#),
        (#"[{"tags":[null]}]"#, #""tags" must be an array of strings"#),
        (#"[{"tags":["a"]},]"#, "a query item must be an object"),
        (#"[{"tags":["a"]}"#, "expected ']'"),
        (#"[{"tags":["a"]]"#, "expected '}'"),
        (#"[{"tags":["a]}]"#, "unterminated string"),
        (#"[{"tags":["\x"]}]"#, "invalid escape"),
        (#"[{}] []"#, "unexpected bytes after the array"),
        (#"[{"tags" ["a"]}]"#, "expected ':'")
    ))
    func refusesMalformedQueries(text: String, message: String) {
        #expect(throws: JSONError.self) { try EventQueryJSON.parse(text) }
        do {
            _ = try EventQueryJSON.parse(text)
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    /// Proves the string-array scanner finds each string of a value inside a larger buffer and
    /// refuses anything else, naming the field.
    @Test func scansStringArraysInPlace() throws {
        let bytes = Array(#"{"tags": [ "a" , "b\n" ,"" ] }"#.utf8)
        let strings = try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) in
            let found = try JSONStringArray.scan(buffer, at: 9..<28, field: "tags")
            return found.map { $0.decoded(in: buffer) }
        }
        #expect(strings == ["a", "b\n", ""])
        let notArray = Array(#"{"tags":"a"}"#.utf8)
        #expect(throws: JSONError(message: #""tags" must be an array of strings"#, offset: 8)) {
            try notArray.withUnsafeBufferPointer { (buffer) throws(JSONError) in _ = try JSONStringArray.scan(buffer, at: 8..<11, field: "tags") }
        }
    }
}
