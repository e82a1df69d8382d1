/// The 128-byte footer of a `.sealed` file (FORMAT.md §6): what the segment holds and where
/// its block index is. With the trailer it is all a reader needs to open the file.
struct SealedFooter: Equatable, Sendable {
    enum Layout {
        static let magic = 0              // u32 "ANSF"
        static let version = 4            // u16
        static let footerBytes = 6        // u16, 128
        static let basePosition = 8       // u64, equals firstPosition
        static let recordCount = 16       // u64
        static let firstPosition = 24     // u64
        static let lastPosition = 32      // u64
        static let firstTimestamp = 40    // i64 nanoseconds since 1970
        static let lastTimestamp = 48     // i64
        static let rawBytes = 56          // u64 sum of the blocks' raw lengths
        static let compressedBytes = 64   // u64 sum of the blocks' compressed lengths
        static let blockIndexOffset = 72  // u64 file offset of the block index
        static let blockCount = 80        // u32
        static let blockIndexChecksum = 84 // u32 CRC32C of the whole block index
        static let blockBytes = 88        // u32 the writer's block size limit
        static let codec = 92             // u8, 1 = LZ4 block
        // 93..<124 reserved, zero
        static let checksum = 124         // u32 CRC32C over bytes 0..<124
    }

    var basePosition: LogPosition
    var recordCount: UInt64
    var firstTimestamp: Int64
    var lastTimestamp: Int64
    var rawBytes: UInt64
    var compressedBytes: UInt64
    var blockIndexOffset: UInt64
    var blockCount: UInt32
    var blockIndexChecksum: UInt32
    var blockBytes: UInt32

    var firstPosition: LogPosition { basePosition }
    /// The position after the last record.
    var endPosition: LogPosition { basePosition.advanced(by: recordCount) }
    var blockIndexBytes: Int { Int(blockCount) * Format.sealedBlockIndexEntryBytes }

    /// The footer's bytes. Pair assertion: the fields must satisfy every relation `decode`
    /// checks, and the bytes must decode back to this footer.
    func encode() -> [UInt8] {
        precondition(recordCount > 0 && blockCount > 0, "a sealed segment holds at least one record")
        precondition(basePosition >= .first, "a sealed segment starts at position 1 or later")
        precondition(UInt64(blockCount) <= recordCount && recordCount <= UInt64(UInt32.max), "block and record counts agree")
        precondition(firstTimestamp <= lastTimestamp, "timestamps never decrease")
        precondition(blockIndexOffset == UInt64(Format.sealedHeaderBytes) + compressedBytes, "the block index follows the blocks")
        var bytes = [UInt8](repeating: 0, count: Format.sealedFooterBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.sealedFooterMagic, at: Layout.magic)
            out.storeLE(Format.sealedFormatVersion, at: Layout.version)
            out.storeLE(UInt16(Format.sealedFooterBytes), at: Layout.footerBytes)
            out.storeLE(basePosition.rawValue, at: Layout.basePosition)
            out.storeLE(recordCount, at: Layout.recordCount)
            out.storeLE(basePosition.rawValue, at: Layout.firstPosition)
            out.storeLE(basePosition.rawValue + recordCount - 1, at: Layout.lastPosition)
            out.storeLE(firstTimestamp, at: Layout.firstTimestamp)
            out.storeLE(lastTimestamp, at: Layout.lastTimestamp)
            out.storeLE(rawBytes, at: Layout.rawBytes)
            out.storeLE(compressedBytes, at: Layout.compressedBytes)
            out.storeLE(blockIndexOffset, at: Layout.blockIndexOffset)
            out.storeLE(blockCount, at: Layout.blockCount)
            out.storeLE(blockIndexChecksum, at: Layout.blockIndexChecksum)
            out.storeLE(blockBytes, at: Layout.blockBytes)
            out.storeLE(Format.sealedCodecLZ4Block, at: Layout.codec)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])), at: Layout.checksum)
        }
        let at = blockIndexOffset + UInt64(blockIndexBytes)
        precondition(bytes.withUnsafeBytes { try? Self.decode($0, file: "", offset: at) } == self, "a sealed footer round-trips")
        return bytes
    }

    /// Decodes a footer found at `offset` and checks it on its own: checksum, magic, version
    /// and the relations between its fields. `SealedSegment` checks it against the index.
    /// `a + b`, or nil when it overflows.
    private static func sum(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : total
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, offset: UInt64) throws(LogError) -> SealedFooter {
        precondition(bytes.count == Format.sealedFooterBytes, "footer must be 128 bytes")
        guard bytes.loadLE(at: Layout.checksum, as: UInt32.self)
                == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])) else {
            throw .corruption("sealed footer checksum mismatch", file: file, offset: offset)
        }
        guard bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.sealedFooterMagic,
              bytes.loadLE(at: Layout.version, as: UInt16.self) == Format.sealedFormatVersion,
              Int(bytes.loadLE(at: Layout.footerBytes, as: UInt16.self)) == Format.sealedFooterBytes,
              bytes.loadLE(at: Layout.codec, as: UInt8.self) == Format.sealedCodecLZ4Block
        else { throw .corruption("sealed footer has a bad magic, version or codec", file: file, offset: offset) }
        let footer = SealedFooter(
            basePosition: LogPosition(bytes.loadLE(at: Layout.basePosition, as: UInt64.self)),
            recordCount: bytes.loadLE(at: Layout.recordCount, as: UInt64.self),
            firstTimestamp: bytes.loadLE(at: Layout.firstTimestamp, as: Int64.self),
            lastTimestamp: bytes.loadLE(at: Layout.lastTimestamp, as: Int64.self),
            rawBytes: bytes.loadLE(at: Layout.rawBytes, as: UInt64.self),
            compressedBytes: bytes.loadLE(at: Layout.compressedBytes, as: UInt64.self),
            blockIndexOffset: bytes.loadLE(at: Layout.blockIndexOffset, as: UInt64.self),
            blockCount: bytes.loadLE(at: Layout.blockCount, as: UInt32.self),
            blockIndexChecksum: bytes.loadLE(at: Layout.blockIndexChecksum, as: UInt32.self),
            blockBytes: bytes.loadLE(at: Layout.blockBytes, as: UInt32.self))
        let first = bytes.loadLE(at: Layout.firstPosition, as: UInt64.self)
        let last = bytes.loadLE(at: Layout.lastPosition, as: UInt64.self)
        guard footer.basePosition.rawValue >= Format.firstPosition, footer.recordCount > 0, footer.blockCount > 0,
              UInt64(footer.blockCount) <= footer.recordCount,
              footer.recordCount <= UInt64(UInt32.max),
              first == footer.basePosition.rawValue,
              last == first &+ footer.recordCount &- 1,
              footer.firstTimestamp <= footer.lastTimestamp,
              // Sizes from the file are compared with overflow-checked sums: a footer whose
              // checksum holds but whose sizes are near 2^64 is refused, never a trap.
              Self.sum(UInt64(Format.sealedHeaderBytes), footer.compressedBytes) == footer.blockIndexOffset,
              Self.sum(footer.blockIndexOffset, UInt64(footer.blockIndexBytes)) == offset
        else { throw .corruption("sealed footer fields contradict each other", file: file, offset: offset) }
        return footer
    }
}

/// The fixed 32 bytes at the very end of a `.sealed` file (FORMAT.md §6): they tell a reader
/// where the footer is and how long the file must be, so a cut or extended file is caught.
struct SealedTrailer: Equatable, Sendable {
    enum Layout {
        static let magic = 0         // u32 "ANSE"
        static let version = 4       // u16
        static let trailerBytes = 6  // u16, 32
        static let footerOffset = 8  // u64
        static let fileBytes = 16    // u64 the whole file's length, trailer included
        // 24..<28 reserved, zero
        static let checksum = 28     // u32 CRC32C over 0..<28
    }

    var footerOffset: UInt64
    var fileBytes: UInt64

    func encode() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Format.sealedTrailerBytes)
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(Format.sealedTrailerMagic, at: Layout.magic)
            out.storeLE(Format.sealedFormatVersion, at: Layout.version)
            out.storeLE(UInt16(Format.sealedTrailerBytes), at: Layout.trailerBytes)
            out.storeLE(footerOffset, at: Layout.footerOffset)
            out.storeLE(fileBytes, at: Layout.fileBytes)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<Layout.checksum])), at: Layout.checksum)
        }
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, offset: UInt64, fileSize: UInt64) throws(LogError) -> SealedTrailer {
        precondition(bytes.count == Format.sealedTrailerBytes, "trailer must be 32 bytes")
        guard bytes.loadLE(at: Layout.checksum, as: UInt32.self)
                == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<Layout.checksum])) else {
            throw .corruption("sealed trailer checksum mismatch (file cut short or damaged)", file: file, offset: offset)
        }
        guard bytes.loadLE(at: Layout.magic, as: UInt32.self) == Format.sealedTrailerMagic,
              bytes.loadLE(at: Layout.version, as: UInt16.self) == Format.sealedFormatVersion,
              Int(bytes.loadLE(at: Layout.trailerBytes, as: UInt16.self)) == Format.sealedTrailerBytes
        else { throw .corruption("sealed trailer has a bad magic or version", file: file, offset: offset) }
        let trailer = SealedTrailer(
            footerOffset: bytes.loadLE(at: Layout.footerOffset, as: UInt64.self),
            fileBytes: bytes.loadLE(at: Layout.fileBytes, as: UInt64.self))
        guard trailer.fileBytes == fileSize,
              trailer.footerOffset == fileSize - UInt64(Format.sealedTrailerBytes + Format.sealedFooterBytes)
        else { throw .corruption("sealed trailer says the file is \(trailer.fileBytes) bytes, it is \(fileSize)", file: file, offset: offset) }
        return trailer
    }
}
