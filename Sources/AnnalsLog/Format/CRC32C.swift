internal import CCRC32C

/// CRC32C (Castagnoli) as used by every checksum in the format (FORMAT.md §1).
public enum CRC32C {
    /// The checksum of `bytes`, optionally continuing from `seed` (a previous result).
    @inline(__always)
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
        return annals_crc32c(seed, base, bytes.count)
    }

    /// The CRC32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// True when the SSE4.2 instruction computes it; false on the table-driven fallback.
    public static var usesHardware: Bool { annals_crc32c_uses_hardware() != 0 }
}
