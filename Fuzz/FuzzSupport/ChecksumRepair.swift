import AnnalsLog

/// Rewrites checksum fields of a fuzzed file so that its other bytes reach the parser: random
/// bytes almost never pass a CRC32C, so without this a decoder's checks after the checksum would
/// see no input at all. Targets take the first input byte as a mode and repair only in some modes,
/// so the checksum checks themselves are fuzzed too.
public enum ChecksumRepair {
    /// Stores the CRC32C of `bytes[start..<end]` (to the end when `end` is nil) little-endian at
    /// `offset`, when both lie inside; a file too short for them is left alone.
    public static func patch(_ bytes: inout [UInt8], from start: Int, to end: Int? = nil, at offset: Int) {
        let end = end ?? bytes.count
        guard start >= 0, start <= end, end <= bytes.count, offset >= 0, offset + 4 <= bytes.count else { return }
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        store(crc, into: &bytes, at: offset)
    }

    /// Stores `value` little-endian at `offset`, when it fits.
    public static func store<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= bytes.count else { return }
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    /// The little-endian value at `offset`, or nil when it does not fit.
    public static func load<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as type: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= bytes.count else { return nil }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }
}
