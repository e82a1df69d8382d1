/// Where a string literal's contents lie in a scanned buffer, already validated (UTF-8, escapes,
/// no raw control characters), so a caller decodes it only when it needs a `String`.
public struct JSONString: Equatable, Sendable {
    /// The bytes between the quotes.
    public var contents: Range<Int>
    /// True when the contents hold a backslash escape: the raw bytes are not the decoded value.
    public var hasEscapes: Bool

    public init(contents: Range<Int>, hasEscapes: Bool) {
        self.contents = contents
        self.hasEscapes = hasEscapes
    }

    /// The decoded value. `buffer` is the buffer the string was scanned from.
    public func decoded(in buffer: UnsafeBufferPointer<UInt8>) -> String {
        precondition(contents.upperBound <= buffer.count, "the string lies inside its buffer")
        let raw = UnsafeBufferPointer(rebasing: buffer[contents])
        guard hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: JSONString.unescape(raw), as: UTF8.self)
    }

    /// True when the decoded value equals `text` (compared as UTF-8 bytes, with no `String`
    /// made for an unescaped literal).
    public func equals(_ text: StaticString, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        if hasEscapes { return decoded(in: buffer).utf8.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
        guard contents.count == text.utf8CodeUnitCount else { return false }
        return memcmpEqual(buffer.baseAddress! + contents.lowerBound, text.utf8Start, contents.count)
    }

    /// The UTF-8 of validated string contents with their escapes resolved.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); index += 1; continue }
            let kind = raw[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var value = hex4(raw, index)
                index += 4
                if (0xD800...0xDBFF).contains(value) {
                    // Validation guaranteed a low surrogate escape follows.
                    let low = hex4(raw, index + 2)
                    index += 6
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(value, to: &out)
            default: out.append(kind)  // \" \\ \/
            }
        }
        return out
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | UInt32(JSONCursor.hexValue(raw[at + offset])!) }
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for offset in 0..<count where a[offset] != b[offset] { return false }
    return true
}
