/// One raw segment as readers see it: its file, its position index and how much of it is
/// committed. The committing leader extends it; any number of readers read it concurrently.
final class Segment: @unchecked Sendable {
    let base: LogPosition
    let fileName: String
    let file: any StorageFile
    /// Guards `index`, `dataEnd` and `nextPosition`.
    private let mutex = PosixMutex()
    private var index: PositionIndex
    private var dataEnd: UInt64
    private var nextPosition: LogPosition
    /// Set when a sealed copy replaced this segment in the log's table: the last reader to
    /// let go closes the file (the log no longer will).
    private var retired = false
    /// The log's shared cache, where short reads keep verified index regions (`RawRegion`).
    private var cache: BlockCache?
    let instanceID = SegmentInstanceID.next()

    init(base: LogPosition, fileName: String, file: any StorageFile, index: PositionIndex, dataEnd: UInt64, nextPosition: LogPosition) {
        precondition(nextPosition >= base, "a segment cannot end before its base")
        precondition(dataEnd >= UInt64(Format.segmentHeaderBytes), "data starts after the header")
        self.base = base
        self.fileName = fileName
        self.file = file
        self.index = index
        self.dataEnd = dataEnd
        self.nextPosition = nextPosition
    }

    deinit {
        if mutex.withLock({ retired }) { file.close() }
    }

    /// Lets short reads keep the index regions they load in `cache` (see `readCached`).
    func attach(cache: BlockCache) {
        mutex.withLock { self.cache = cache }
    }

    /// The block cache short reads use, if one is attached.
    var attachedCache: BlockCache? { mutex.withLock { cache } }

    /// Hands the file's closing to `deinit`: call once the segment left the log's table.
    func retire() {
        mutex.withLock { retired = true }
    }

    /// The committed extent: bytes of data and the position after the last committed record.
    var committed: (dataEnd: UInt64, nextPosition: LogPosition) {
        mutex.withLock { (dataEnd, nextPosition) }
    }

    var indexSnapshot: PositionIndex { mutex.withLock { index } }

    /// Publishes records that became durable: new index entries, new data end, new next position.
    func commit(entries: [PositionIndexEntry], dataEnd newEnd: UInt64, nextPosition newNext: LogPosition) {
        mutex.withLock {
            precondition(newEnd >= dataEnd && newNext >= nextPosition, "commits only move forward")
            for entry in entries { index.append(entry) }
            dataEnd = newEnd
            nextPosition = newNext
        }
    }

    /// Replaces the in-memory index with a mapped one, once the segment is full and its file complete.
    func adopt(mappedIndex: PositionIndex) {
        mutex.withLock {
            precondition(mappedIndex.count == index.count, "a mapped index must match the one it replaces")
            index = mappedIndex
        }
    }

    /// Calls `body` for each record from `position` on, in order, until `body` returns false,
    /// `limit` records were passed, or the committed end is reached. Returns the count passed.
    @discardableResult
    func forEachRecord(
        from position: LogPosition, limit: Int, through last: LogPosition? = nil,
        _ body: (RecordView) throws(LogError) -> Bool
    ) throws(LogError) -> Int {
        let (end, next) = committed
        let stop = min(next, (last ?? LogPosition(UInt64.max - 1)).advanced(by: 1))
        guard position < stop, position >= base, limit > 0 else { return 0 }
        var position = position
        var passed = 0
        if limit <= Self.cachedReadLimit, let cache = mutex.withLock({ cache }) {
            var keepGoing = true
            passed = try readCached(from: &position, stop: stop, end: end, limit: limit, cache: cache) { (view) throws(LogError) -> Bool in
                keepGoing = try body(view)
                return keepGoing
            }
            guard keepGoing, passed < limit, position < stop else { return passed }
        }
        let start = indexSnapshot.floor(position) ?? PositionIndexEntry(relativePosition: 0, offset: UInt32(Format.segmentHeaderBytes))
        // A short read starts with a small buffer: the wanted record lies within one index
        // interval (4 KiB) of the entry, so 8 KiB usually holds it whole.
        let firstChunk = limit <= 16 ? SegmentChunkReader.pointReadChunkBytes : SegmentChunkReader.initialChunkBytes
        var reader = SegmentChunkReader(file: file, fileName: fileName, offset: UInt64(start.offset), end: end, firstChunk: firstChunk)
        var expected = base.advanced(by: UInt64(start.relativePosition))
        if expected < position {
            try reader.skip(position.rawValue - expected.rawValue)
            expected = position
        }
        while expected < stop && passed < limit {
            let view = try reader.next()
            guard view.position == expected else {
                throw .corruption("expected position \(expected), found \(view.position)", file: fileName, offset: reader.lastRecordOffset)
            }
            expected = expected.advanced(by: 1)
            if view.position < position { continue }
            passed += 1
            if try !body(view) { break }
        }
        return passed
    }
}

/// Reads consecutive records of a raw segment through a growing buffer, up to a known end.
/// Anything but a valid record before `end` is corruption: those bytes were committed.
struct SegmentChunkReader: ~Copyable {
    static let initialChunkBytes = 16 * 1024
    static let pointReadChunkBytes = 8 * 1024
    static let maximumChunkBytes = 1 << 20

    let file: any StorageFile
    let fileName: String
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferStart: UInt64
    private var bufferCount = 0
    private var cursor = 0
    private var nextChunkBytes = Self.initialChunkBytes
    private let end: UInt64
    private(set) var lastRecordOffset: UInt64 = 0

    init(file: any StorageFile, fileName: String, offset: UInt64, end: UInt64, firstChunk: Int = Self.initialChunkBytes) {
        precondition(firstChunk >= Format.recordHeaderBytes, "a chunk must hold a record header")
        self.file = file
        self.fileName = fileName
        self.bufferStart = offset
        self.end = end
        self.nextChunkBytes = firstChunk
        self.buffer = .allocate(byteCount: firstChunk, alignment: 16)
    }

    /// Hops over `count` records by their length fields alone, without checking checksums:
    /// the record read next with `next()` is still checked in full (CRC and position), so a
    /// bad length met here can only end in an error, never in wrong data.
    mutating func skip(_ count: UInt64) throws(LogError) {
        var remaining = count
        while remaining > 0 {
            let offset = bufferStart + UInt64(cursor)
            guard offset < end else {
                throw .corruption("committed data ends before the expected record", file: fileName, offset: offset)
            }
            if cursor + RecordHeaderLayout.length + 4 > bufferCount {
                try refill(at: offset, needing: Int(min(UInt64(Format.recordHeaderBytes), end - offset)))
                continue
            }
            let length = Int(UnsafeRawBufferPointer(buffer).loadLE(at: cursor + RecordHeaderLayout.length, as: UInt32.self))
            guard length >= Format.recordHeaderBytes, length <= Format.recordBytesMax else {
                throw .corruption(RecordDefect.badLength(length).description, file: fileName, offset: offset)
            }
            cursor += RecordCodec.paddedBytes(length)
            remaining -= 1
        }
    }

    deinit { buffer.deallocate() }

    /// The next record; the view is valid until the next call.
    mutating func next() throws(LogError) -> RecordView {
        while true {
            let offset = bufferStart + UInt64(cursor)
            guard offset < end else {
                throw .corruption("committed data ends before the expected record", file: fileName, offset: offset)
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<bufferCount])
            switch cursor < bufferCount ? RecordCodec.decode(chunk, at: cursor) : .truncated(needed: Format.recordHeaderBytes) {
            case .record(let view, let next):
                lastRecordOffset = offset
                cursor = next
                return view
            case .truncated(let needed):
                try refill(at: offset, needing: needed)
            case .endOfData:
                throw .corruption("zeros where a committed record should be", file: fileName, offset: offset)
            case .invalid(let defect):
                throw .corruption(defect.description, file: fileName, offset: offset)
            }
        }
    }

    private mutating func refill(at offset: UInt64, needing needed: Int) throws(LogError) {
        let remaining = end - offset
        guard remaining >= UInt64(needed) else {
            throw .corruption("record runs past the committed end", file: fileName, offset: offset)
        }
        let want = Int(min(UInt64(max(needed, nextChunkBytes)), remaining))
        nextChunkBytes = min(nextChunkBytes * 2, Self.maximumChunkBytes)
        if want > buffer.count {
            buffer.deallocate()
            buffer = .allocate(byteCount: want, alignment: 16)
        }
        let got = try file.readFully(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
        guard got >= needed else {
            throw .corruption("file ends inside a committed record", file: fileName, offset: offset + UInt64(got))
        }
        bufferStart = offset
        bufferCount = got
        cursor = 0
    }
}
