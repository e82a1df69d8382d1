/// A 16-byte event identifier, stored verbatim in each record header (FORMAT.md §3).
/// The core treats it as opaque bytes; the stream layer fills it with a UUID.
public struct EventID: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0-7 and 8-15 of the id, each read big-endian so the order matches the UUID text.
    public var high: UInt64
    /// Bytes 8-15 of the id, read big-endian.
    public var low: UInt64

    /// The id whose bytes 0-7 are `high` and 8-15 are `low`, both big-endian.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, for records that have no event id of their own.
    public static let zero = EventID(high: 0, low: 0)

    /// The 16 bytes in storage order.
    public var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeMutableBytes { store(into: $0, at: 0) }
        return bytes
    }

    /// The id stored in `bytes`, which must hold exactly 16 bytes; nil otherwise.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self = bytes.withUnsafeBytes { EventID.load(from: $0, at: 0) }
    }

    func store(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBytes(of: high.bigEndian, toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: low.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
    }

    static func load(from buffer: UnsafeRawBufferPointer, at offset: Int) -> EventID {
        EventID(
            high: UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
            low: UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
    }

    /// Lower-case UUID text form: 8-4-4-4-12 hex digits.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { text in
            var cursor = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[cursor] = UInt8(ascii: "-")
                    cursor += 1
                }
                let word = index < 8 ? high : low
                let byte = UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64(index % 8)))
                text[cursor] = Self.hexDigits[Int(byte >> 4)]
                text[cursor + 1] = Self.hexDigits[Int(byte & 0xF)]
                cursor += 2
            }
            return cursor
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Parses the 8-4-4-4-12 UUID text form (either case).
    public init?(uuidString: String) {
        var text = uuidString
        let parsed: (UInt64, UInt64)? = text.withUTF8 { bytes in
            guard bytes.count == 36 else { return nil }
            var words: (high: UInt64, low: UInt64) = (0, 0)
            var digits = 0
            for (offset, char) in bytes.enumerated() {
                if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                    guard char == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard let value = Self.hexValue(char) else { return nil }
                if digits < 16 { words.high = words.high << 4 | UInt64(value) } else { words.low = words.low << 4 | UInt64(value) }
                digits += 1
            }
            return digits == 32 ? (words.high, words.low) : nil
        }
        guard let parsed else { return nil }
        self.init(high: parsed.0, low: parsed.1)
    }

    private static func hexValue(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
