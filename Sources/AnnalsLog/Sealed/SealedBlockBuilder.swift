/// Gathers whole records into a raw block and, when the next record would pass the block
/// size, compresses the block and writes it at the next file offset (FORMAT.md §6). A record
/// larger than the block size gets a block of its own.
final class SealedBlockBuilder {
    let file: any StorageFile
    let blockBytes: Int
    let shouldContinue: @Sendable () -> Bool
    private let compressor: LZ4Compressor
    private var raw: UnsafeMutableRawBufferPointer
    private var rawCount = 0
    private var compressed: UnsafeMutableRawBufferPointer
    private var blockFirst = LogPosition.beforeFirst
    private var blockRecords: UInt32 = 0
    private(set) var entries: [BlockIndexEntry] = []
    /// Where the next block goes.
    private(set) var offset: UInt64
    private(set) var rawBytes: UInt64 = 0
    private(set) var firstTimestamp: Int64?
    private(set) var lastTimestamp: Int64 = 0

    init(file: any StorageFile, blockBytes: Int, compressionLevel: Int, offset: UInt64, shouldContinue: @escaping @Sendable () -> Bool) {
        self.file = file
        self.blockBytes = blockBytes
        self.shouldContinue = shouldContinue
        self.compressor = LZ4Compressor(level: compressionLevel)
        self.offset = offset
        raw = .allocate(byteCount: blockBytes, alignment: 16)
        compressed = .allocate(byteCount: LZ4Compressor.bound(blockBytes), alignment: 16)
    }

    deinit {
        raw.deallocate()
        compressed.deallocate()
    }

    /// Appends a verified record (with its zero padding), first closing the block if it is full.
    func add(_ view: RecordView) throws(LogError) {
        let padded = RecordCodec.paddedBytes(view.length)
        if rawCount > 0 && rawCount + padded > blockBytes { try flushBlock() }
        if padded > raw.count { grow(to: padded) }
        if rawCount == 0 { blockFirst = view.position }
        let target = UnsafeMutableRawBufferPointer(rebasing: raw[rawCount..<(rawCount + padded)])
        target.copyMemory(from: view.bytes)
        for index in view.length..<padded { target[index] = 0 }
        rawCount += padded
        blockRecords += 1
        if firstTimestamp == nil { firstTimestamp = view.timestamp }
        lastTimestamp = view.timestamp
    }

    /// Writes the last, partly filled block.
    func finish() throws(LogError) {
        if rawCount > 0 { try flushBlock() }
    }

    private func flushBlock() throws(LogError) {
        guard shouldContinue() else { throw LogError(.closed, "sealing was cancelled (the log is closing)") }
        let source = UnsafeRawBufferPointer(rebasing: raw[0..<rawCount])
        let length = compressor.compress(source, into: compressed)
        let bytes = UnsafeRawBufferPointer(rebasing: compressed[0..<length])
        try file.write(at: offset, bytes)
        entries.append(BlockIndexEntry(
            firstPosition: blockFirst, fileOffset: offset, recordCount: blockRecords,
            compressedBytes: UInt32(length), rawBytes: UInt32(rawCount), checksum: CRC32C.checksum(bytes)))
        offset += UInt64(length)
        rawBytes += UInt64(rawCount)
        rawCount = 0
        blockRecords = 0
    }

    private func grow(to bytes: Int) {
        precondition(rawCount == 0, "grow only an empty block")
        raw.deallocate()
        compressed.deallocate()
        raw = .allocate(byteCount: bytes, alignment: 16)
        compressed = .allocate(byteCount: LZ4Compressor.bound(bytes), alignment: 16)
    }
}
