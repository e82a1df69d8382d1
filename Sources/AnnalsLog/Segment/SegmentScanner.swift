/// Reads a raw segment front to back in large chunks and decodes its records, stopping at the
/// first byte that is not a valid record. Recovery, index rebuilds and `verify` all use it.
struct SegmentScanner {
    /// Why a scan stopped, and where.
    enum Stop: Equatable, Sendable {
        /// The file ended exactly after a record.
        case endOfFile
        /// Zeros where a header would be (unwritten or zero-filled space).
        case endOfData
        /// The file ends inside a record.
        case truncated
        /// Bytes that are not a record.
        case invalid(RecordDefect)
    }

    struct Outcome: Sendable {
        /// Where the scan stopped: just past the last valid record.
        var stopOffset: UInt64
        var stop: Stop
        /// Records decoded.
        var records: Int
        /// Just past the last record that ended a batch (or the scan's start if none did).
        var lastBatchEndOffset: UInt64
        /// Records decoded up to and including that batch end.
        var recordsThroughLastBatchEnd: Int
        /// Position of the last valid record, if any.
        var lastPosition: LogPosition?
    }

    static let chunkBytes = 1 << 20

    init(file: any StorageFile, fileName: String) {
        self.file = file
        self.fileName = fileName
    }

    let file: any StorageFile
    let fileName: String
    /// Stop after decoding one record (used to check a single record).
    var stopAfterFirst = false

    /// Decodes records from `offset` on, passing each with its offset to `body`.
    func scan(
        from offset: UInt64,
        _ body: (RecordView, UInt64) throws(LogError) -> Void
    ) throws(LogError) -> Outcome {
        let fileSize = try file.size()
        var outcome = Outcome(
            stopOffset: offset, stop: .endOfFile, records: 0, lastBatchEndOffset: offset,
            recordsThroughLastBatchEnd: 0, lastPosition: nil)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        var chunkStart = offset
        while chunkStart < fileSize {
            let want = Int(min(UInt64(buffer.count), fileSize - chunkStart))
            let got = try file.readFully(at: chunkStart, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            guard got == want else {
                throw .corruption("file ended at \(chunkStart + UInt64(got)) while reading, though its size is \(fileSize)", file: fileName, offset: chunkStart + UInt64(got))
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            var cursor = 0
            decoding: while cursor < got {
                switch RecordCodec.decode(chunk, at: cursor) {
                case .record(let view, let next):
                    try body(view, chunkStart + UInt64(cursor))
                    outcome.records += 1
                    outcome.lastPosition = view.position
                    // A final record may lack its padding if the file was cut; it is still whole.
                    cursor = min(next, got)
                    outcome.stopOffset = chunkStart + UInt64(cursor)
                    if view.endsBatch {
                        outcome.lastBatchEndOffset = outcome.stopOffset
                        outcome.recordsThroughLastBatchEnd = outcome.records
                    }
                    if stopAfterFirst { return outcome }
                case .endOfData:
                    outcome.stop = .endOfData
                    return outcome
                case .invalid(let defect):
                    outcome.stop = .invalid(defect)
                    return outcome
                case .truncated(let needed):
                    if chunkStart + UInt64(cursor) + UInt64(needed) > fileSize {
                        outcome.stop = .truncated
                        return outcome
                    }
                    if cursor == 0 {
                        // A record larger than the buffer: grow it and read again from here.
                        buffer.deallocate()
                        buffer = .allocate(byteCount: alignUp(needed, to: 4096), alignment: 16)
                    }
                    break decoding
                }
            }
            chunkStart += UInt64(cursor)
        }
        outcome.stop = .endOfFile
        return outcome
    }

    /// True when some valid record whose position is after `after` starts at an 8-byte aligned
    /// offset in `from..<end of file`. Used to tell corruption (valid data follows the bad bytes)
    /// from a torn tail (nothing valid follows).
    func validRecordFollows(from start: UInt64, after: LogPosition) throws(LogError) -> (found: Bool, offset: UInt64) {
        let fileSize = try file.size()
        var offset = UInt64(alignUp(Int(start), to: Format.recordAlignmentBytes))
        let window = Format.recordBytesMax + Self.chunkBytes
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(window, Int(max(fileSize, 1))), alignment: 16)
        defer { buffer.deallocate() }
        while offset + UInt64(Format.recordHeaderBytes) <= fileSize {
            let want = Int(min(UInt64(buffer.count), fileSize - offset))
            let got = try file.readFully(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            let atEnd = offset + UInt64(got) >= fileSize
            // Candidates that start before `limit` fit whole in this chunk; later ones come next round.
            let limit = atEnd ? got : got - Format.recordBytesMax
            var cursor = 0
            while cursor < limit {
                if case .record(let view, _) = RecordCodec.decode(chunk, at: cursor), view.position > after {
                    return (true, offset + UInt64(cursor))
                }
                cursor += Format.recordAlignmentBytes
            }
            if atEnd { break }
            offset += UInt64(cursor)
        }
        return (false, 0)
    }
}
