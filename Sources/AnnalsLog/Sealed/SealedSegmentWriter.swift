/// Turns one full raw segment into a `.sealed` file (FORMAT.md §6), atomically: it writes
/// `<base>.sealed.tmp`, syncs it, reads it back through `SealedSegment.verify`, renames it to
/// `<base>.sealed` and syncs the directory. It never touches the raw segment: deleting that
/// is the caller's step, taken only after this returns (so a crash anywhere leaves a valid
/// raw segment, a valid sealed one, or both; recovery keeps one).
struct SealedSegmentWriter {
    struct Result: Sendable, Equatable {
        var fileName: String
        var records: UInt64
        /// Bytes of the raw segment file, header included.
        var rawFileBytes: UInt64
        var sealedFileBytes: UInt64
    }

    let fileSystem: any StorageFileSystem
    let directory: String
    var blockBytes = Format.sealedBlockBytesDefault
    var compressionLevel = Format.sealedCompressionLevelDefault
    var sealedAt: Int64 = 0
    /// Polled between blocks; returning false abandons the seal (the temp file is removed).
    var shouldContinue: @Sendable () -> Bool = { true }

    /// Seals the raw segment in `raw`, which must hold exactly the positions `base..<end`.
    func seal(raw: any StorageFile, rawName: String, base: LogPosition, end: LogPosition) throws(LogError) -> Result {
        precondition(end > base, "a sealed segment holds at least one record")
        precondition(blockBytes >= Format.sealedBlockBytesMin && blockBytes <= Format.sealedBlockBytesMax, "block size out of range")
        let name = SegmentFileName(base: base, kind: .sealed)
        let temporary = joinPath(directory, name.temporaryName)
        if fileSystem.exists(temporary) { try fileSystem.remove(temporary) }
        let file = try fileSystem.create(temporary)
        let fileBytes: UInt64
        do throws(LogError) {
            fileBytes = try write(into: file, name: name.temporaryName, raw: raw, rawName: rawName, base: base, end: end)
            try file.sync()
            file.close()
        } catch {
            file.close()
            try? fileSystem.remove(temporary)
            throw error
        }
        // Read back what reached the file before it may replace anything: a writer bug or a
        // bad write must never cost the raw copy.
        let problems = SealedSegment.verify(fileSystem: fileSystem, path: temporary, fileName: name.temporaryName)
        if let first = problems.first {
            try? fileSystem.remove(temporary)
            throw first
        }
        try fileSystem.rename(temporary, to: joinPath(directory, name.description))
        try fileSystem.syncDirectory(directory)
        return Result(fileName: name.description, records: end.rawValue - base.rawValue,
                      rawFileBytes: try raw.size(), sealedFileBytes: fileBytes)
    }

    /// Writes header, blocks, block index, footer and trailer; returns the file's length.
    private func write(into file: any StorageFile, name: String, raw: any StorageFile, rawName: String,
                       base: LogPosition, end: LogPosition) throws(LogError) -> UInt64 {
        let header = SealedHeader(basePosition: base, sealedAt: sealedAt, blockBytes: UInt32(blockBytes), level: UInt8(compressionLevel))
        try file.write(at: 0, header.encode())
        let blocks = SealedBlockBuilder(file: file, blockBytes: blockBytes, compressionLevel: compressionLevel,
                                        offset: UInt64(Format.sealedHeaderBytes), shouldContinue: shouldContinue)
        var expected = base
        let scanner = SegmentScanner(file: raw, fileName: rawName)
        let outcome = try scanner.scan(from: UInt64(Format.segmentHeaderBytes)) { (view, offset) throws(LogError) in
            guard view.position == expected, expected < end else {
                throw .corruption("expected position \(expected) before \(end), found \(view.position)", file: rawName, offset: offset)
            }
            try blocks.add(view)
            expected = expected.advanced(by: 1)
        }
        guard expected == end else {
            throw .corruption("full segment ends at position \(expected.rawValue - 1) (\(outcome.stop)), expected \(end.rawValue - 1)",
                              file: rawName, offset: outcome.stopOffset)
        }
        try blocks.finish()
        let index = BlockIndexEntry.encode(blocks.entries)
        let indexOffset = blocks.offset
        try file.write(at: indexOffset, index)
        let footer = SealedFooter(
            basePosition: base, recordCount: end.rawValue - base.rawValue,
            firstTimestamp: blocks.firstTimestamp ?? 0, lastTimestamp: blocks.lastTimestamp,
            rawBytes: blocks.rawBytes, compressedBytes: indexOffset - UInt64(Format.sealedHeaderBytes),
            blockIndexOffset: indexOffset, blockCount: UInt32(blocks.entries.count),
            blockIndexChecksum: CRC32C.checksum(index), blockBytes: UInt32(blockBytes))
        let footerOffset = indexOffset + UInt64(index.count)
        try file.write(at: footerOffset, footer.encode())
        let fileBytes = footerOffset + UInt64(Format.sealedFooterBytes + Format.sealedTrailerBytes)
        try file.write(at: footerOffset + UInt64(Format.sealedFooterBytes),
                       SealedTrailer(footerOffset: footerOffset, fileBytes: fileBytes).encode())
        return fileBytes
    }
}
