/// One 32-byte entry of a sealed segment's block index (FORMAT.md §6): where block `i` lives,
/// how big it is both ways, which positions it holds, and the CRC32C of its compressed bytes.
/// The index as a whole is covered by a checksum in the footer, so entries carry none.
struct BlockIndexEntry: Equatable, Sendable {
    enum Layout {
        static let firstPosition = 0     // u64 position of the block's first record
        static let fileOffset = 8        // u64 offset of the compressed block in the file
        static let recordCount = 16      // u32 records in the block, at least 1
        static let compressedBytes = 20  // u32 bytes of the compressed block
        static let rawBytes = 24         // u32 bytes after decompression (whole, padded records)
        static let checksum = 28         // u32 CRC32C of the compressed bytes
    }

    var firstPosition: LogPosition
    var fileOffset: UInt64
    var recordCount: UInt32
    var compressedBytes: UInt32
    var rawBytes: UInt32
    var checksum: UInt32

    /// The position after the block's last record.
    var endPosition: LogPosition { firstPosition.advanced(by: UInt64(recordCount)) }

    func encode(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count == Format.sealedBlockIndexEntryBytes, "block index entry must be 32 bytes")
        precondition(recordCount > 0 && rawBytes > 0 && compressedBytes > 0, "a block holds at least one record")
        out.storeLE(firstPosition.rawValue, at: Layout.firstPosition)
        out.storeLE(fileOffset, at: Layout.fileOffset)
        out.storeLE(recordCount, at: Layout.recordCount)
        out.storeLE(compressedBytes, at: Layout.compressedBytes)
        out.storeLE(rawBytes, at: Layout.rawBytes)
        out.storeLE(checksum, at: Layout.checksum)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> BlockIndexEntry {
        precondition(bytes.count == Format.sealedBlockIndexEntryBytes, "block index entry must be 32 bytes")
        return BlockIndexEntry(
            firstPosition: LogPosition(bytes.loadLE(at: Layout.firstPosition, as: UInt64.self)),
            fileOffset: bytes.loadLE(at: Layout.fileOffset, as: UInt64.self),
            recordCount: bytes.loadLE(at: Layout.recordCount, as: UInt32.self),
            compressedBytes: bytes.loadLE(at: Layout.compressedBytes, as: UInt32.self),
            rawBytes: bytes.loadLE(at: Layout.rawBytes, as: UInt32.self),
            checksum: bytes.loadLE(at: Layout.checksum, as: UInt32.self))
    }

    static func encode(_ entries: [BlockIndexEntry]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: entries.count * Format.sealedBlockIndexEntryBytes)
        bytes.withUnsafeMutableBytes { out in
            for (slot, entry) in entries.enumerated() {
                let start = slot * Format.sealedBlockIndexEntryBytes
                entry.encode(into: UnsafeMutableRawBufferPointer(rebasing: out[start..<(start + Format.sealedBlockIndexEntryBytes)]))
            }
        }
        return bytes
    }
}
