/// Builds JSON into one growing byte buffer, a line or many lines at a time, so a command
/// writes its output with one `write` per large chunk instead of one per line. Values stored
/// as raw JSON are copied in byte for byte.
public struct JSONWriter {
    /// Everything written since the last `removeAll()` or `finishLine()`.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 512) {
        precondition(capacity >= 0, "a capacity is a byte count")
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func beginObject() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `,"name":` (the comma when a member came before) with one append: each single-byte
    /// append of an array costs a uniqueness and a capacity check, and `read` writes 8 keys an event.
    public mutating func key(_ name: StaticString) {
        let comma = needsComma ? 1 : 0
        appendFixed(count: comma + name.utf8CodeUnitCount + 3) { out in
            if comma == 1 { out[0] = UInt8(ascii: ",") }
            out[comma] = UInt8(ascii: "\"")
            (out + comma + 1).update(from: name.utf8Start, count: name.utf8CodeUnitCount)
            out[comma + 1 + name.utf8CodeUnitCount] = UInt8(ascii: "\"")
            out[comma + 2 + name.utf8CodeUnitCount] = UInt8(ascii: ":")
        }
        needsComma = false
    }

    /// Appends `count` bytes that `fill` writes, every one of them, with one append to the
    /// buffer (built on the stack first). They complete a value: a key after them takes a comma.
    public mutating func appendFixed(count: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        precondition(count >= 0, "a byte count")
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { scratch in
            fill(scratch.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(scratch))
        }
        needsComma = true
    }

    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        appendString(value)
        needsComma = true
    }

    public mutating func field(_ name: StaticString, _ value: UInt64) {
        key(name)
        appendDecimal(value)
        needsComma = true
    }

    /// Writes `raw`, which the caller has checked is one valid JSON value.
    public mutating func field(_ name: StaticString, rawJSON raw: some Collection<UInt8>) {
        key(name)
        bytes.append(contentsOf: raw)
        needsComma = true
    }

    /// Writes `raw` as the value of `name`: the caller has checked it is one valid JSON value.
    public mutating func field(_ name: StaticString, rawJSON raw: UnsafeBufferPointer<UInt8>) {
        key(name)
        bytes.append(contentsOf: raw)
        needsComma = true
    }

    /// Appends `value` in decimal, without making a `String`.
    public mutating func appendDecimal(_ value: UInt64) {
        if value < 10 { bytes.append(UInt8(truncatingIfNeeded: value) + 0x30); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value
            var start = 20
            while rest > 0 {
                start -= 1
                digits[start] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Appends bytes as they are: the caller knows they are one complete JSON value.
    public mutating func appendRaw(_ raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
        needsComma = true
    }

    /// Lets `build` append one complete JSON value's bytes directly to the buffer.
    public mutating func appendValue(_ build: (inout [UInt8]) -> Void) {
        build(&bytes)
        needsComma = true
    }

    /// Appends `text` as a string literal, escaping quotes, backslashes and control characters.
    public mutating func appendString(_ text: String) {
        var text = text
        text.withUTF8 { appendString(utf8: $0) }
    }

    /// Appends valid UTF-8 as a string literal, copied in one piece when nothing needs escaping.
    public mutating func appendString(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        if utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case UInt8(ascii: "\n"): bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 15)]])
        default: bytes.append(byte)
        }
    }

    /// Ends the current line; the buffer keeps it, for one write of many lines.
    public mutating func endLine() {
        bytes.append(UInt8(ascii: "\n"))
        needsComma = false
    }

    /// Ends the line and returns everything written, resetting the writer.
    public mutating func finishLine() -> [UInt8] {
        endLine()
        defer { removeAll() }
        return bytes
    }

    /// Empties the buffer, keeping its capacity for the next chunk.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }
}
