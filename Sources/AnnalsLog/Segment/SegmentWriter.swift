/// The write side of the active segment. Only the group-commit leader touches it, one at a
/// time, so it needs no lock of its own. Records are encoded into a buffer, then written with
/// one pwrite and, as the durability policy asks, one fdatasync per group.
final class SegmentWriter: @unchecked Sendable {
    let directory: String
    let fileSystem: any StorageFileSystem
    private(set) var segment: Segment
    private var indexFile: any StorageFile
    private(set) var capacity: UInt64
    /// End of the bytes written to the segment file.
    private(set) var dataEnd: UInt64
    /// End of the bytes known to be on stable storage.
    private(set) var syncedEnd: UInt64
    private(set) var nextPosition: LogPosition
    private(set) var lastTimestamp: Int64
    private var indexBuilder: PositionIndexFile.Builder
    /// Index entries written to the index file. Only entries of synced records are written, so
    /// recovery can trust every entry it finds there.
    private var indexEntriesInFile: Int
    private let buffer = WriteBuffer()
    /// Tells read-only openers what is durable, after every sync and roll (nil in tests that
    /// build a writer alone).
    var headPublisher: HeadPublisher?
    /// State to restore if the pending group's write fails.
    private var groupStart: (nextPosition: LogPosition, lastTimestamp: Int64, indexEntries: Int)

    init(directory: String, fileSystem: any StorageFileSystem, segment: Segment, indexFile: any StorageFile,
         capacity: UInt64, dataEnd: UInt64, nextPosition: LogPosition, lastTimestamp: Int64,
         indexEntries: [PositionIndexEntry]) {
        precondition(dataEnd >= UInt64(Format.segmentHeaderBytes), "data starts after the header")
        self.directory = directory
        self.fileSystem = fileSystem
        self.segment = segment
        self.indexFile = indexFile
        self.capacity = capacity
        self.dataEnd = dataEnd
        self.syncedEnd = dataEnd
        self.nextPosition = nextPosition
        self.lastTimestamp = lastTimestamp
        self.indexBuilder = PositionIndexFile.Builder(existing: indexEntries)
        self.indexEntriesInFile = indexEntries.count
        self.groupStart = (nextPosition, lastTimestamp, indexEntries.count)
    }

    /// True when the segment holds no record, written or pending.
    var isEmpty: Bool { dataEnd == UInt64(Format.segmentHeaderBytes) && buffer.count == 0 }

    /// True when `bytes` more fit after what is written and pending.
    func fits(_ bytes: Int) -> Bool { dataEnd + UInt64(buffer.count) + UInt64(bytes) <= capacity }

    /// Encodes a batch after whatever is pending and returns the positions and timestamps it
    /// gets. Nothing reaches the file until `flush`.
    func encode(_ entries: [LogEntry], now: Int64) -> AppendedBatch {
        precondition(!entries.isEmpty, "an empty batch has no positions")
        if buffer.count == 0 { groupStart = (nextPosition, lastTimestamp, indexBuilder.entries.count) }
        let first = nextPosition
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let timestamp = max(entry.timestamp ?? now, lastTimestamp)
            let offset = dataEnd + UInt64(buffer.count)
            let padded = RecordCodec.paddedBytes(entry.encodedBytes)
            let written = buffer.append(padded) { tail in
                RecordCodec.encode(entry, position: nextPosition, timestamp: timestamp,
                                   endsBatch: index == entries.count - 1, into: tail, at: 0)
            }
            precondition(written == padded, "encoder wrote an unexpected size")
            indexBuilder.note(relativePosition: UInt32(nextPosition.rawValue - segment.base.rawValue), offset: offset)
            lastTimestamp = timestamp
            timestamps.append(timestamp)
            nextPosition = nextPosition.advanced(by: 1)
        }
        return AppendedBatch(positions: first...LogPosition(nextPosition.rawValue - 1), timestamps: timestamps)
    }

    /// Writes the pending records and, when `sync`, makes them durable; then publishes them to
    /// readers. A failed write is undone (the file is cut back), so the log stays usable; a
    /// failed sync is reported as `SyncFailure`, after which nothing may be acknowledged.
    func flush(sync: Bool) throws(WriterFailure) {
        if buffer.count > 0 {
            do throws(LogError) {
                try segment.file.write(at: dataEnd, buffer.bytes)
            } catch {
                rollBackPendingGroup()
                do throws(LogError) { try segment.file.truncate(to: dataEnd) } catch {
                    throw .poisoned(error)
                }
                throw .writeFailed(error)
            }
            dataEnd += UInt64(buffer.count)
            buffer.reset()
            precondition(dataEnd % UInt64(Format.recordAlignmentBytes) == 0, "records end 8-byte aligned")
        }
        precondition(syncedEnd <= dataEnd, "the durable watermark never passes what was written")
        if sync && syncedEnd < dataEnd {
            do throws(LogError) { try segment.file.sync() } catch { throw .poisoned(error) }
            syncedEnd = dataEnd
            writeDurableIndexEntries()
            publishHead()
        }
        let newEntries = Array(indexBuilder.entries[segment.indexSnapshot.count...])
        segment.commit(entries: newEntries, dataEnd: dataEnd, nextPosition: nextPosition)
    }

    private func rollBackPendingGroup() {
        nextPosition = groupStart.nextPosition
        lastTimestamp = groupStart.lastTimestamp
        indexBuilder.truncate(to: groupStart.indexEntries)
        buffer.reset()
    }

    /// Writes index entries of synced records to the index file. A failure here costs only a
    /// longer scan at the next open (the index is derived), so it is not an append failure.
    private func writeDurableIndexEntries() {
        let entries = indexBuilder.entries
        guard indexEntriesInFile < entries.count else { return }
        let durable = entries[indexEntriesInFile...].prefix { UInt64($0.offset) < syncedEnd }
        guard !durable.isEmpty else { return }
        // Pair assertion with recovery's read: the file only ever gains entries of synced
        // records, each strictly after the one before it (the first is the first record).
        let before = indexEntriesInFile > 0 ? entries[indexEntriesInFile - 1] : nil
        PositionIndexFile.checkStrictlyIncreasing((before.map { [$0] } ?? []) + durable, isWhole: before == nil)
        precondition(UInt64(durable.last!.offset) < syncedEnd, "only entries of synced records reach the index file")
        let bytes = PositionIndexFile.encode(Array(durable), base: segment.base)
        if (try? indexFile.write(at: PositionIndexFile.entryOffset(indexEntriesInFile), bytes)) != nil {
            indexEntriesInFile += durable.count
        }
    }

    /// Closes the full segment (synced, index complete) and starts a new one at `nextPosition`
    /// with room for `newCapacity` bytes. New files and the directory are synced before any
    /// record goes into the new segment.
    func roll(newCapacity: UInt64, createdAt: Int64) throws(WriterFailure) -> Segment {
        precondition(buffer.count == 0, "flush before rolling")
        try flush(sync: true)
        // The index is derived data: a failed sync of it costs a rebuild at the next open, never
        // a record, so it fails this roll without poisoning the log.
        do throws(LogError) { try indexFile.sync() } catch { throw .writeFailed(error) }
        let base = nextPosition
        let (file, index) = try SegmentWriter.createSegmentFiles(
            fileSystem, directory: directory, base: base, capacity: newCapacity, createdAt: createdAt)
        let next = Segment(
            base: base, fileName: SegmentFileName(base: base, kind: .log).description, file: file,
            index: PositionIndex(base: base), dataEnd: UInt64(Format.segmentHeaderBytes), nextPosition: base)
        indexFile.close()
        segment = next
        indexFile = index
        capacity = newCapacity
        dataEnd = UInt64(Format.segmentHeaderBytes)
        syncedEnd = dataEnd
        indexBuilder = PositionIndexFile.Builder()
        indexEntriesInFile = 0
        publishHead()
        return next
    }

    /// Publishes the durable watermark. Called only right after a sync or a roll, when every
    /// record before `nextPosition` is synced and nothing is pending.
    func publishHead() {
        precondition(buffer.count == 0 && syncedEnd == dataEnd, "only synced records are published to readers")
        headPublisher?.publish(durableNext: nextPosition, activeBase: segment.base, activeDurableEnd: syncedEnd)
    }

    /// Creates `<base>.log` with its header and `<base>.pidx` with its header, syncs both and
    /// the directory. Removes what it made if any step fails. A failed write or create is
    /// `.writeFailed`; a failed sync of the segment or the directory is `.poisoned`, because
    /// after a failed fsync the state on disk is unknown (DESIGN: durability contract, rule 3).
    static func createSegmentFiles(
        _ fileSystem: any StorageFileSystem, directory: String, base: LogPosition, capacity: UInt64, createdAt: Int64
    ) throws(WriterFailure) -> (log: any StorageFile, index: any StorageFile) {
        let logPath = joinPath(directory, SegmentFileName(base: base, kind: .log).description)
        let indexPath = joinPath(directory, SegmentFileName(base: base, kind: .positionIndex).description)
        var made: [(file: any StorageFile, path: String)] = []
        do throws(WriterFailure) {
            try step { () throws(LogError) in if fileSystem.exists(indexPath) { try fileSystem.remove(indexPath) } }
            let log = try step { () throws(LogError) in try fileSystem.create(logPath) }
            made.append((log, logPath))
            let header = SegmentHeader(basePosition: base, capacityBytes: capacity, createdAt: createdAt).encode()
            try step { () throws(LogError) in try log.write(at: 0, header) }
            do throws(LogError) { try log.sync() } catch { throw .poisoned(error) }
            let index = try step { () throws(LogError) in try fileSystem.create(indexPath) }
            made.append((index, indexPath))
            let indexHeader = PositionIndexHeader(basePosition: base, intervalBytes: UInt32(Format.positionIndexIntervalBytes)).encode()
            try step { () throws(LogError) in try index.write(at: 0, indexHeader) }
            try step { () throws(LogError) in try index.sync() }
            do throws(LogError) { try fileSystem.syncDirectory(directory) } catch { throw .poisoned(error) }
            return (log, index)
        } catch {
            for (file, path) in made.reversed() {
                file.close()
                try? fileSystem.remove(path)
            }
            throw error
        }
    }

    /// Runs one step whose failure leaves the disk as it was, so later appends may retry.
    private static func step<T>(_ body: () throws(LogError) -> T) throws(WriterFailure) -> T {
        do throws(LogError) { return try body() } catch { throw .writeFailed(error) }
    }

    /// Syncs everything written and closes the files.
    func close() throws(WriterFailure) {
        try flush(sync: true)
        try? indexFile.sync()
        indexFile.close()
    }
}

/// How a writer step failed.
enum WriterFailure: Error {
    /// The records were not written and the file is as it was: later appends may succeed.
    case writeFailed(LogError)
    /// The state on disk is unknown (a failed sync, or a failed undo): nothing more may be
    /// acknowledged until the store is reopened.
    case poisoned(LogError)

    var error: LogError {
        switch self {
        case .writeFailed(let error), .poisoned(let error): error
        }
    }
}
