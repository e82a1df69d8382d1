import Synchronization

/// A sealed segment opened for reading (FORMAT.md §6). Opening reads only the trailer, the
/// footer and the block index, and trusts them once their checksums and cross-checks pass;
/// no block is read. A read finds its block by binary search in the index and decompresses
/// that block only. Immutable after open, so any number of threads read it at once.
final class SealedSegment: SegmentSource, @unchecked Sendable {
    private static let instances = Atomic<UInt64>(0)

    /// Unique per opened file in this process: the block cache's key, so a re-sealed file
    /// never meets blocks cached from an earlier one.
    let instanceID: UInt64
    let base: LogPosition
    let fileName: String
    let file: any StorageFile
    let footer: SealedFooter
    let blocks: [BlockIndexEntry]
    let fileBytes: UInt64
    private let cache: BlockCache?
    /// How many blocks were decompressed: what tests count to prove one block per point read.
    let blocksDecompressed = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    var endPosition: LogPosition { footer.endPosition }

    private init(file: any StorageFile, fileName: String, footer: SealedFooter, blocks: [BlockIndexEntry], fileBytes: UInt64, cache: BlockCache?) {
        precondition(!blocks.isEmpty && blocks[0].firstPosition == footer.basePosition, "index checked before init")
        instanceID = Self.instances.add(1, ordering: .relaxed).newValue
        base = footer.basePosition
        self.fileName = fileName
        self.file = file
        self.footer = footer
        self.blocks = blocks
        self.fileBytes = fileBytes
        self.cache = cache
    }

    deinit { close() }

    /// Opens `path`. Closes the file again if any check fails.
    static func open(fileSystem: any StorageFileSystem, path: String, fileName: String, cache: BlockCache?) throws(LogError) -> SealedSegment {
        let file = try fileSystem.open(path, writable: false)
        do throws(LogError) {
            let (footer, blocks, size) = try readMetadata(file, fileName: fileName)
            return SealedSegment(file: file, fileName: fileName, footer: footer, blocks: blocks, fileBytes: size, cache: cache)
        } catch {
            file.close()
            throw error
        }
    }

    func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { file.close() }
    }

    @discardableResult
    func forEachRecord(
        from position: LogPosition, limit: Int, through last: LogPosition? = nil,
        _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        let stop = min(endPosition, (last ?? LogPosition(UInt64.max - 1)).advanced(by: 1))
        guard position < stop, position >= base, limit > 0, var blockIndex = block(containing: position) else { return 0 }
        var cursor = position
        var passed = 0
        // The first block a read touches is cached (point reads come back to it); later blocks
        // of the same read are a scan: served from the cache if there, else streamed past it.
        var caching = true
        while cursor < stop && passed < limit && blockIndex < blocks.count {
            let block = try decodedBlock(blockIndex, caching: caching)
            caching = false
            let blockStop = min(stop, block.entry.endPosition)
            var keepGoing = true
            try withExtendedLifetime(block) { () throws(LogError) in
                while cursor < blockStop && passed < limit && keepGoing {
                    passed += 1
                    keepGoing = try body(block.record(at: cursor))
                    cursor = cursor.advanced(by: 1)
                }
            }
            if !keepGoing { break }
            blockIndex += 1
        }
        return passed
    }

    /// The index of the block holding `position`, if the segment holds it.
    func block(containing position: LogPosition) -> Int? {
        guard position >= base, position < endPosition else { return nil }
        var low = 0
        var high = blocks.count  // blocks before `low` start at or before `position`
        while low < high {
            let middle = (low + high) / 2
            if blocks[middle].firstPosition <= position { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }

    /// Block `index`, from the cache or read, checked and decompressed. `caching` puts a
    /// freshly decoded block into the shared cache.
    func decodedBlock(_ index: Int, caching: Bool) throws(LogError) -> DecodedBlock {
        let key = BlockCache.Key(segment: instanceID, block: index)
        if let cached = cache?.block(for: key) { return cached }
        let block = try readBlock(index)
        if caching { cache?.insert(block, for: key) }
        return block
    }

    /// Reads block `index`, checks its CRC, decompresses it and verifies every record in it.
    func readBlock(_ index: Int) throws(LogError) -> DecodedBlock {
        let entry = blocks[index]
        let compressed = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(entry.compressedBytes), alignment: 16)
        defer { compressed.deallocate() }
        try file.readExactly(at: entry.fileOffset, into: compressed, file: fileName)
        guard CRC32C.checksum(UnsafeRawBufferPointer(compressed)) == entry.checksum else {
            throw DecodedBlock.corruption("checksum mismatch", blockIndex: index, entry: entry, inBlock: 0, file: fileName)
        }
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(entry.rawBytes), alignment: 16)
        blocksDecompressed.add(1, ordering: .relaxed)
        guard LZ4Decoder.decompress(UnsafeRawBufferPointer(compressed), into: raw) else {
            raw.deallocate()
            throw DecodedBlock.corruption("LZ4 data does not decode to \(entry.rawBytes) bytes", blockIndex: index, entry: entry, inBlock: 0, file: fileName)
        }
        do throws(LogError) {
            return try DecodedBlock(adopting: raw, entry: entry, file: fileName, blockIndex: index)
        } catch {
            raw.deallocate()
            throw error
        }
    }
}
