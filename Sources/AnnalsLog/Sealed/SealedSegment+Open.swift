extension SealedSegment {
    /// Reads and checks the trailer, the footer and the block index (FORMAT.md §6, "Reading").
    /// Each must pass its checksum, and the index must tile the file and the positions exactly,
    /// so a later read can trust every offset and length it takes from them.
    static func readMetadata(_ file: any StorageFile, fileName: String) throws(LogError) -> (SealedFooter, [BlockIndexEntry], UInt64) {
        let size = try file.size()
        let smallest = UInt64(Format.sealedHeaderBytes + Format.sealedBlockIndexEntryBytes + Format.sealedFooterBytes + Format.sealedTrailerBytes)
        guard size > smallest else {
            throw .corruption("sealed file of \(size) bytes is too short to hold a record", file: fileName, offset: 0)
        }
        let tail = UInt64(Format.sealedFooterBytes + Format.sealedTrailerBytes)
        var bytes = [UInt8](repeating: 0, count: Int(tail))
        try bytes.withMutableBytes { (out) throws(LogError) in try file.readExactly(at: size - tail, into: out, file: fileName) }
        let footerOffset = size - tail
        let footer = try bytes.withBytes { (raw) throws(LogError) -> SealedFooter in
            let trailerBytes = UnsafeRawBufferPointer(rebasing: raw[Format.sealedFooterBytes...])
            _ = try SealedTrailer.decode(trailerBytes, file: fileName, offset: footerOffset + UInt64(Format.sealedFooterBytes), fileSize: size)
            return try SealedFooter.decode(UnsafeRawBufferPointer(rebasing: raw[0..<Format.sealedFooterBytes]), file: fileName, offset: footerOffset)
        }
        let blocks = try readBlockIndex(file, fileName: fileName, footer: footer)
        return (footer, blocks, size)
    }

    private static func readBlockIndex(_ file: any StorageFile, fileName: String, footer: SealedFooter) throws(LogError) -> [BlockIndexEntry] {
        var bytes = [UInt8](repeating: 0, count: footer.blockIndexBytes)
        try bytes.withMutableBytes { (out) throws(LogError) in try file.readExactly(at: footer.blockIndexOffset, into: out, file: fileName) }
        guard CRC32C.checksum(bytes) == footer.blockIndexChecksum else {
            throw .corruption("sealed block index checksum mismatch", file: fileName, offset: footer.blockIndexOffset)
        }
        let blocks = bytes.withUnsafeBytes { raw in
            (0..<Int(footer.blockCount)).map { slot in
                let start = slot * Format.sealedBlockIndexEntryBytes
                return BlockIndexEntry.decode(UnsafeRawBufferPointer(rebasing: raw[start..<(start + Format.sealedBlockIndexEntryBytes)]))
            }
        }
        try checkTiling(blocks, footer: footer, fileName: fileName)
        return blocks
    }

    /// Blocks follow each other without gaps in the file and in positions, and add up to the
    /// footer's totals.
    private static func checkTiling(_ blocks: [BlockIndexEntry], footer: SealedFooter, fileName: String) throws(LogError) {
        var offset = UInt64(Format.sealedHeaderBytes)
        var position = footer.basePosition
        var rawBytes: UInt64 = 0
        let rawMax = UInt32(Format.sealedBlockBytesMax + Format.recordBytesMax)
        for (index, block) in blocks.enumerated() {
            guard block.fileOffset == offset, block.firstPosition == position, block.recordCount > 0,
                  block.compressedBytes > 0, block.rawBytes >= UInt32(Format.recordHeaderBytes), block.rawBytes <= rawMax
            else {
                let where_ = footer.blockIndexOffset + UInt64(index * Format.sealedBlockIndexEntryBytes)
                throw .corruption("block index entry \(index) does not follow the one before it", file: fileName, offset: where_)
            }
            offset += UInt64(block.compressedBytes)
            position = block.endPosition
            rawBytes += UInt64(block.rawBytes)
        }
        guard offset == footer.blockIndexOffset, position == footer.endPosition, rawBytes == footer.rawBytes else {
            throw .corruption("the block index disagrees with the footer's totals", file: fileName, offset: footer.blockIndexOffset)
        }
    }
}
