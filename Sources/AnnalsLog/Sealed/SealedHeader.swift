/// The 64-byte header at offset 0 of a `.sealed` file (FORMAT.md §6). Readers do not need it
/// to find data (the trailer leads to the footer and block index); it makes the file name
/// itself in a hex dump and is checked by `verify`.
struct SealedHeader: Equatable, Sendable {
    enum Layout {
        static let magic = 0           // u32 "ANLS"
        static let version = 4         // u16
        static let headerBytes = 6     // u16, 64
        static let basePosition = 8    // u64 position of the segment's first record
        static let sealedAt = 16       // i64 nanoseconds since 1970, when the seal was written
        static let blockBytes = 24     // u32 the writer's block size limit
        static let codec = 28          // u8, 1 = LZ4 block
        static let level = 29          // u8, LZ4HC level used (0 = fast LZ4); informational
        // 30..<60 reserved, zero
        static let checksum = 60       // u32 CRC32C over bytes 0..<60
    }

    var basePosition: LogPosition
    var sealedAt: Int64
    var blockBytes: UInt32
    var codec: UInt8 = Format.sealedCodecLZ4Block
    var level: UInt8

    func encode() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Format.sealedHeaderBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.sealedHeaderMagic, at: Layout.magic)
            out.storeLE(Format.sealedFormatVersion, at: Layout.version)
            out.storeLE(UInt16(Format.sealedHeaderBytes), at: Layout.headerBytes)
            out.storeLE(basePosition.rawValue, at: Layout.basePosition)
            out.storeLE(sealedAt, at: Layout.sealedAt)
            out.storeLE(blockBytes, at: Layout.blockBytes)
            out.storeLE(codec, at: Layout.codec)
            out.storeLE(level, at: Layout.level)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])), at: Layout.checksum)
        }
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(LogError) -> SealedHeader {
        guard bytes.count == Format.sealedHeaderBytes else {
            throw .corruption("sealed header is \(bytes.count) bytes, expected \(Format.sealedHeaderBytes)", file: file, offset: 0)
        }
        guard bytes.loadLE(at: Layout.checksum, as: UInt32.self)
                == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])) else {
            throw .corruption("sealed header checksum mismatch", file: file, offset: 0)
        }
        guard bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.sealedHeaderMagic else {
            throw .corruption("not a sealed segment (bad header magic)", file: file, offset: 0)
        }
        let version = bytes.loadLE(at: Layout.version, as: UInt16.self)
        guard version == Format.sealedFormatVersion,
              Int(bytes.loadLE(at: Layout.headerBytes, as: UInt16.self)) == Format.sealedHeaderBytes else {
            throw .corruption("unsupported sealed header version \(version)", file: file, offset: UInt64(Layout.version))
        }
        let codec = bytes.loadLE(at: Layout.codec, as: UInt8.self)
        guard codec == Format.sealedCodecLZ4Block else {
            throw .corruption("unknown sealed codec \(codec)", file: file, offset: UInt64(Layout.codec))
        }
        return SealedHeader(
            basePosition: LogPosition(bytes.loadLE(at: Layout.basePosition, as: UInt64.self)),
            sealedAt: bytes.loadLE(at: Layout.sealedAt, as: Int64.self),
            blockBytes: bytes.loadLE(at: Layout.blockBytes, as: UInt32.self),
            codec: codec, level: bytes.loadLE(at: Layout.level, as: UInt8.self))
    }
}
