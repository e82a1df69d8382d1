/// A strict JSON scanner that validates a value and reports where it lies in the input, so the
/// CLI can store `data` and `metadata` exactly as given and write them back byte for byte.
/// It never traps: every malformed input is a `JSONError` with its byte offset.
struct JSONScanner {
    /// Deep enough for any real document, shallow enough that recursion cannot exhaust the stack.
    static let depthMax = 256

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a whole line holding one JSON object; returns its members with raw value ranges.
    static func objectMembers(_ bytes: [UInt8]) throws(JSONError) -> [(key: String, value: Range<Int>)] {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{") else { throw scanner.error("expected a JSON object") }
        var members: [(String, Range<Int>)] = []
        scanner.index += 1
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                scanner.skipWhitespace()
                let key = try scanner.string()
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: ":"))
                scanner.skipWhitespace()
                members.append((key, try scanner.value(depth: 1)))
                scanner.skipWhitespace()
                if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }
                try scanner.expect(UInt8(ascii: "}"))
                break
            }
        }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw scanner.error("unexpected bytes after the object") }
        return members
    }

    /// True when `bytes` are exactly one valid JSON value (with optional surrounding whitespace).
    static func isValidValue(_ bytes: some Collection<UInt8>) -> Bool {
        var scanner = JSONScanner(Array(bytes))
        scanner.skipWhitespace()
        guard (try? scanner.value(depth: 0)) != nil else { return false }
        scanner.skipWhitespace()
        return scanner.index == scanner.bytes.count
    }

    /// Decodes the JSON string literal at `range` (which `objectMembers` returned).
    static func decodeString(_ bytes: [UInt8], _ range: Range<Int>) throws(JSONError) -> String {
        var scanner = JSONScanner(Array(bytes[range]))
        return try scanner.string()
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    // Accessors for the string decoder in JSONScanner+String.swift.
    var peekByte: UInt8? { peek }
    var position: Int { index }
    mutating func advance() { index += 1 }
    func failure(_ message: String) -> JSONError { error(message) }

    /// Decodes `range` as UTF-8, rejecting invalid sequences.
    func utf8(_ range: Range<Int>) throws(JSONError) -> String {
        guard let text = String(validating: bytes[range], as: UTF8.self) else { throw error("invalid UTF-8 in string") }
        return text
    }

    private func error(_ message: String) -> JSONError { JSONError(message: message, offset: index) }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        guard peek == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value(depth: Int) throws(JSONError) -> Range<Int> {
        guard depth <= Self.depthMax else { throw error("nesting deeper than \(Self.depthMax)") }
        let start = index
        switch peek {
        case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), depth: depth, keyed: true)
        case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), depth: depth, keyed: false)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case .some(let byte) where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39): try number()
        default: throw error(peek == nil ? "unexpected end of input" : "unexpected character")
        }
        return start..<index
    }

    private mutating func container(close: UInt8, depth: Int, keyed: Bool) throws(JSONError) {
        index += 1
        skipWhitespace()
        if peek == close { index += 1; return }
        while true {
            skipWhitespace()
            if keyed {
                _ = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            _ = try value(depth: depth + 1)
            skipWhitespace()
            if peek == UInt8(ascii: ",") { index += 1; continue }
            try expect(close)
            return
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let text = word.withUTF8Buffer { Array($0) }
        guard index + text.count <= bytes.count, Array(bytes[index..<(index + text.count)]) == text else {
            throw error("invalid literal")
        }
        index += text.count
    }

    private mutating func number() throws(JSONError) {
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 0x30 && first <= 0x39 else { throw error("invalid number") }
        index += 1
        if first != 0x30 { skipDigits() }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard try digitsFollow() else { throw error("invalid number") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard try digitsFollow() else { throw error("invalid number") }
        }
    }

    private mutating func digitsFollow() throws(JSONError) -> Bool {
        let start = index
        skipDigits()
        return index > start
    }

    private mutating func skipDigits() {
        while let byte = peek, byte >= 0x30 && byte <= 0x39 { index += 1 }
    }
}

struct JSONError: Error, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "\(message) at byte \(offset + 1)" }
}
