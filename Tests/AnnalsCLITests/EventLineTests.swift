import AnnalsJSON
import Foundation
import Testing

/// The byte-level scanner behind `annals append`: strict validation, field extraction, and the
/// eight-bytes-at-a-time string path checked against the standard library's UTF-8 validation.
@Suite(.timeLimit(.minutes(1))) struct EventLineTests {
    static func scan(_ text: String) throws(JSONError) -> EventLine {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) in try EventLine.scan(buffer) }
    }

    static func scanBytes(_ bytes: [UInt8]) -> Result<EventLine, JSONError> {
        bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONError) in try EventLine.scan(buffer) } }
    }

    /// Proves the fields are found as byte ranges of the line, strings carry their contents,
    /// and escaped keys are matched by their decoded value.
    @Test func findsFieldsAsRanges() throws {
        let text = #" {"st\u0072eam" : "order-1", "type":"T\"x", "data":{"a":[1,2.5e-3,true,null]}, "metadata":null } "#
        let bytes = Array(text.utf8)
        let line = try Self.scan(text)
        let stream = try #require(line.stream?.string)
        let type = try #require(line.type?.string)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(stream.decoded(in: buffer) == "order-1")
            #expect(!stream.hasEscapes)
            #expect(type.hasEscapes)
            #expect(type.decoded(in: buffer) == "T\"x")
        }
        #expect(String(decoding: bytes[line.data!.value], as: UTF8.self) == #"{"a":[1,2.5e-3,true,null]}"#)
        #expect(line.data?.string == nil)
        #expect(String(decoding: bytes[line.metadata!.value], as: UTF8.self) == "null")
        #expect(line.id == nil)
    }

    /// Proves each malformed line is refused with the message the CLI has always printed.
    @Test(arguments: [(String, String)](arrayLiteral:
        (#"{"stream":"s","type":"T","data":[1,}"#, "unexpected character"),
        (#"["not","an","object"]"#, "expected a JSON object"),
        (#"{"stream":"s","data":1,"extra":true}"#, #"unknown field "extra""#),
        (#"{"stream":"s","data":1,"data":2}"#, #"field "data" appears twice"#),
        (#"{"data":1,"extra":true,"data":[}"#, "unexpected character"),  // syntax wins over fields
        ("{\"data\":\"\u{01}\"}", "control character in string"),
        (#"{"data":"\x"}"#, "invalid escape"),
        (#"{"data":"\ud800"}"#, "lone surrogate"),
        (#"{"data":"\udc00"}"#, "lone surrogate"),
        (#"{"data":"\ud800\u0041"}"#, "lone surrogate"),
        (#"{"data":"\u12G4"}"#, #"invalid \u escape"#),
        (#"{"data":01}"#, "expected '}'"),
        (#"{"data":1.}"#, "invalid number"),
        (#"{"data":-}"#, "invalid number"),
        (#"{"data":1e}"#, "invalid number"),
        (#"{"data":tru}"#, "invalid literal"),
        (#"{"data":"abc"#, "unterminated string"),
        (#"{"data":1} x"#, "unexpected bytes after the object"),
        (#"{"data":1"#, "expected '}'"),
        (#"{"data" 1}"#, "expected ':'"),
        ("", "expected a JSON object"),
        (#"{"data":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}", "nesting deeper than 256")
    ))
    func refusesMalformedLines(line: String, message: String) {
        guard case .failure(let error) = Self.scanBytes(Array(line.utf8)) else {
            Issue.record("accepted \(line.prefix(60))")
            return
        }
        #expect(error.message.contains(message), "\(error) for \(line.prefix(60))")
    }

    /// Proves nesting up to the limit is accepted: a member at depth 1 holds 255 more levels.
    @Test func acceptsNestingUpToTheLimit() throws {
        let deep = #"{"data":"# + String(repeating: "[", count: 256) + String(repeating: "]", count: 256) + "}"
        _ = try Self.scan(deep)
    }

    /// Proves string validation agrees with `String(validating:)` on random byte strings, with
    /// the interesting bytes at every offset of the eight-byte words. Seeded; the seed is printed.
    @Test func stringValidationMatchesTheStandardLibrary() {
        var random = SplitMix(seed: 0x5EED_1234)
        let alphabet: [UInt8] = [0x41, 0x7A, 0x20, 0x22, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED,
                                 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x90, 0x8F]
        for trial in 0..<20_000 {
            let length = Int(random.next() % 24)
            let body = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let expected = String(validating: body, as: UTF8.self) != nil
                && !body.contains(where: { $0 < 0x20 || $0 == 0x22 })
            let accepted = JSONValidator.isValidValue([0x22] + body + [0x22])
            #expect(accepted == expected, "seed 0x5EED1234 trial \(trial): \(body)")
            if accepted != expected { return }
        }
    }

    /// Proves every escape decodes to its character, including a surrogate pair.
    @Test func escapesDecode() throws {
        let text = #"{"stream":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z","data":1}"#
        let bytes = Array(text.utf8)
        let stream = try #require(try Self.scan(text).stream?.string)
        bytes.withUnsafeBufferPointer { #expect(stream.decoded(in: $0) == "a\"\\/\u{08}\u{0C}\n\r\té😀z") }
    }

    /// Proves multi-byte UTF-8 is accepted in strings and refused outside them.
    @Test func utf8OnlyInsideStrings() throws {
        _ = try Self.scan(#"{"data":"é€😀 ascii after a long run of plain text"}"#)
        guard case .failure = Self.scanBytes(Array(#"{"data":é}"#.utf8)) else { Issue.record("accepted é outside a string"); return }
    }

    /// Proves the writer escapes what JSON requires and copies plain strings whole.
    @Test func writerEscapes() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("s", "a\"b\\c\nd\u{01}é")
        writer.field("n", UInt64.max)
        writer.field("z", 0)
        writer.endObject()
        #expect(String(decoding: writer.finishLine(), as: UTF8.self) == #"{"s":"a\"b\\c\nd\u0001é","n":18446744073709551615,"z":0}"# + "\n")
    }
}

/// A small seeded generator (SplitMix64), so a failing trial can be replayed.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
