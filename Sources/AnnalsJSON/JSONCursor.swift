/// A validating scan position over bytes that must be strict JSON (RFC 8259): containers,
/// literals and numbers here, strings in `JSONCursor+String.swift`.
///
/// It reads through an unsafe pointer for speed, so the caller keeps the buffer alive while the
/// cursor lives. Invariant: `0 <= index <= count`, and every byte read is at an index below
/// `count` (checked before each read). It never traps on input: every malformed byte sequence
/// is a `JSONError` with its offset.
struct JSONCursor {
    /// Deep enough for any real document, shallow enough that recursion cannot exhaust the stack.
    static let depthMax = 256

    let base: UnsafePointer<UInt8>
    let count: Int
    var index: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int = 0) {
        precondition(start >= 0 && start <= buffer.count, "the cursor starts inside its buffer")
        // An empty buffer may have no address; any valid pointer does, as nothing is read.
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        count = buffer.count
        index = start
    }

    /// The byte at the cursor, or 0 at the end (0 is never valid outside a string, and inside
    /// one the string scanner tells the two apart).
    @inline(__always) var current: UInt8 { index < count ? base[index] : 0 }

    @inline(__always) var atEnd: Bool { index >= count }

    func error(_ message: String) -> JSONError { JSONError(message: message, offset: index) }

    @inline(__always) mutating func skipWhitespace() {
        if index < count && base[index] > 0x20 { return }  // compact JSON: no whitespace at all
        while index < count {
            let byte = base[index]
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(JSONError) {
        guard current == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    /// Validates one value at the cursor and moves past it. `depth` is the nesting of the value
    /// (a top-level value is at depth 0, a member of the top object at 1).
    mutating func skipValue(depth: Int) throws(JSONError) {
        guard depth <= Self.depthMax else { throw error("nesting deeper than \(Self.depthMax)") }
        switch current {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"): try skipContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): try skipContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: throw error(atEnd ? "unexpected end of input" : "unexpected character")
        }
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) throws(JSONError) {
        index += 1
        skipWhitespace()
        if current == close { index += 1; return }
        while true {
            skipWhitespace()
            if keyed {
                _ = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            let byte = current
            if byte == UInt8(ascii: ",") { index += 1; continue }
            if byte == close { index += 1; return }
            throw error("expected '\(Character(Unicode.Scalar(close)))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let length = word.utf8CodeUnitCount
        guard count - index >= length, memcmpEqual(base + index, word.utf8Start, length) else {
            throw error("invalid literal")
        }
        index += length
    }

    private mutating func skipNumber() throws(JSONError) {
        if current == UInt8(ascii: "-") { index += 1 }
        let first = current
        guard first >= 0x30 && first <= 0x39 else { throw error("invalid number") }
        index += 1
        if first != 0x30 { skipDigits() }
        if current == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() else { throw error("invalid number") }
        }
        if current | 0x20 == UInt8(ascii: "e") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() else { throw error("invalid number") }
        }
    }

    /// Skips decimal digits; true when there was at least one.
    @inline(__always) @discardableResult
    private mutating func skipDigits() -> Bool {
        let start = index
        while index < count, base[index] &- 0x30 < 10 { index += 1 }
        return index > start
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
