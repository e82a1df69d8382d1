/// One 16-byte entry of a position index (FORMAT.md §4): the record at `relativePosition`
/// (position minus the segment's base) starts at byte `offset` of the segment file.
struct PositionIndexEntry: Equatable, Sendable {
    enum Layout {
        static let relativePosition = 0  // u32
        static let offset = 4            // u32 byte offset in the segment file
        static let reserved = 8          // u32, zero
        static let checksum = 12         // u32 CRC32C over bytes 0..<12, then the segment base (u64)
    }

    var relativePosition: UInt32
    var offset: UInt32

    /// The checksum also covers the segment's base position, so an entry copied into another
    /// segment's index (a misdirected write) fails it.
    static func checksum(_ entry: UnsafeRawBufferPointer, base: LogPosition) -> UInt32 {
        var baseLE = base.rawValue.littleEndian
        let head = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: entry[0..<Layout.checksum]))
        return withUnsafeBytes(of: &baseLE) { CRC32C.checksum($0, continuing: head) }
    }

    func encode(base: LogPosition, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count == Format.positionIndexEntryBytes, "entry buffer must be 16 bytes")
        out.storeLE(relativePosition, at: Layout.relativePosition)
        out.storeLE(offset, at: Layout.offset)
        out.storeLE(UInt32(0), at: Layout.reserved)
        out.storeLE(Self.checksum(UnsafeRawBufferPointer(out), base: base), at: Layout.checksum)
    }

    /// nil when the checksum fails or the reserved word is not zero (including an all-zero slot).
    static func decode(_ bytes: UnsafeRawBufferPointer, base: LogPosition) -> PositionIndexEntry? {
        precondition(bytes.count == Format.positionIndexEntryBytes, "entry must be 16 bytes")
        guard bytes.loadLE(at: Layout.checksum, as: UInt32.self) == checksum(bytes, base: base),
              bytes.loadLE(at: Layout.reserved, as: UInt32.self) == 0
        else { return nil }
        return PositionIndexEntry(
            relativePosition: bytes.loadLE(at: Layout.relativePosition, as: UInt32.self),
            offset: bytes.loadLE(at: Layout.offset, as: UInt32.self))
    }
}

/// The 64-byte header of a `.pidx` file (FORMAT.md §4).
struct PositionIndexHeader: Equatable, Sendable {
    enum Layout {
        static let magic = 0           // u32 "ANPI"
        static let version = 4         // u16
        static let headerBytes = 6     // u16, 64
        static let basePosition = 8    // u64, the segment's base
        static let intervalBytes = 16  // u32
        // 20..<60 reserved, zero
        static let checksum = 60       // u32 CRC32C over 0..<60
    }

    var basePosition: LogPosition
    var intervalBytes: UInt32

    func encode() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Format.positionIndexHeaderBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.positionIndexMagic, at: Layout.magic)
            out.storeLE(Format.positionIndexFormatVersion, at: Layout.version)
            out.storeLE(UInt16(Format.positionIndexHeaderBytes), at: Layout.headerBytes)
            out.storeLE(basePosition.rawValue, at: Layout.basePosition)
            out.storeLE(intervalBytes, at: Layout.intervalBytes)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])), at: Layout.checksum)
        }
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> PositionIndexHeader? {
        guard bytes.count >= Format.positionIndexHeaderBytes,
              bytes.loadLE(at: Layout.checksum, as: UInt32.self)
                == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])),
              bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.positionIndexMagic,
              bytes.loadLE(at: Layout.version, as: UInt16.self) == Format.positionIndexFormatVersion,
              Int(bytes.loadLE(at: Layout.headerBytes, as: UInt16.self)) == Format.positionIndexHeaderBytes
        else { return nil }
        let interval = bytes.loadLE(at: Layout.intervalBytes, as: UInt32.self)
        guard interval > 0 else { return nil }
        return PositionIndexHeader(
            basePosition: LogPosition(bytes.loadLE(at: Layout.basePosition, as: UInt64.self)),
            intervalBytes: interval)
    }
}
