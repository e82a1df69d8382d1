import AnnalsLog
import Synchronization
import Logging

extension StoreEngine {
    /// Loads the heads checkpoint and the full segments' index files, rebuilding whatever is
    /// missing or bad from the log, then indexes the active segment in memory.
    ///
    /// Only the active segment and the segments after the checkpoint are scanned; with a
    /// current checkpoint and intact index files that is the active segment alone.
    func load() throws(LogError) {
        let bases = log.segmentBases()
        let end = log.nextPosition
        precondition(!bases.isEmpty, "a log always has an active segment")
        let loaded = loadHeads(end: end)
        heads = loaded?.heads ?? [:]
        let covered = loaded?.coveredNext ?? .first
        report.headsRebuilt = loaded == nil
        for (offset, base) in bases.dropLast().enumerated() {
            let segmentEnd = bases[offset + 1]
            var full = FullSegmentIndex.open(fileSystem, directory: directory, base: base, end: segmentEnd, hash: hash,
                                             checkingBodiesLater: isReadOnly)
            if full == nil || segmentEnd > covered {
                let built = try scan(from: base, to: segmentEnd, headsFrom: covered)
                if full == nil && isReadOnly {
                    // The writer has not written them yet (or they are damaged): keep it in memory.
                    openSegments[base] = built
                    continue
                }
                if full == nil { full = try writeFiles(of: built, end: segmentEnd, reportAsRebuilt: true) }
            }
            fullSegments.append(full!)
        }
        let active = bases.last!
        if isReadOnly {
            // A reader indexes the active segment at its first catch-up (`follow`), which every
            // read and subscription runs first: the open itself reads no record of it.
            openSegments[active] = OpenSegmentIndex(base: active)
            watermark = active
            visibleEnd.store(active.rawValue, ordering: .releasing)
            return
        }
        openSegments[active] = try scan(from: active, to: end, headsFrom: covered)
        watermark = end
        visibleEnd.store(end.rawValue, ordering: .releasing)
        if !isReadOnly && (report.headsRebuilt || covered < active) { try writeHeads(heads, coveredNext: end) }
    }

    /// The checkpoint, if it is valid and consistent with a log that ends before `end`.
    /// A head past the log's end means the log lost unsynced records (a relaxed durability
    /// policy and a power loss): the checkpoint cannot be trusted and is rebuilt.
    private func loadHeads(end: LogPosition) -> (heads: [String: StreamHead], coveredNext: LogPosition)? {
        let path = StoreFiles.path(directory, StreamHeadsFile.fileName)
        guard let bytes = StoreFiles.readAll(fileSystem, path), let decoded = StreamHeadsFile.decode(bytes),
              decoded.coveredNext <= end, decoded.coveredNext >= .first,
              decoded.heads.values.allSatisfy({ $0.lastPosition < end.rawValue })
        else { return nil }
        return decoded
    }

    /// Indexes the records in `[base, end)`, applying those at or after `headsFrom` to the heads.
    func scan(from base: LogPosition, to end: LogPosition, headsFrom: LogPosition) throws(LogError) -> OpenSegmentIndex {
        guard end > base else { return OpenSegmentIndex(base: base) }
        var index = OpenSegmentIndex(base: base, expectedRecords: Int(end.rawValue - base.rawValue), indexingIDs: !isReadOnly)
        var count = 0
        try log.forEachRecord(from: base, limit: Int(end.rawValue - base.rawValue)) { view in
            let record = IndexedRecord(view)
            index.note(record, hash: hash, indexingID: !isReadOnly)
            if index.wantsTimeEntry(record.position) { index.noteTime(record.timestamp, at: record.position) }
            if record.position >= headsFrom { heads[record.stream, default: StreamHead()].apply(record) }
            count += 1
            return true
        }
        guard count == Int(end.rawValue - base.rawValue) else {
            throw LogError(.corruption, "segment \(base) should hold \(end.rawValue - base.rawValue) records but \(count) were read",
                           file: SegmentFileName(base: base, kind: .log).description, offset: 0)
        }
        report.recordsScanned += count
        return index
    }

    /// Writes a full segment's three index files durably and maps them. They could be rebuilt
    /// from the log, but syncing them (once per segment) keeps a crash from costing a rescan of
    /// every recent segment on the next open.
    func writeFiles(of index: OpenSegmentIndex, end: LogPosition, reportAsRebuilt: Bool) throws(LogError) -> FullSegmentIndex {
        for (kind, bytes) in index.encodeFiles(end: end, hash: hash) {
            try StoreFiles.replace(fileSystem, directory: directory, name: kind.fileName(base: index.base), bytes: bytes, durable: true)
            if reportAsRebuilt { report.indexesRebuilt.append(kind.fileName(base: index.base)) }
        }
        if reportAsRebuilt {
            options.log.logger.warning("rebuilt stream indexes", metadata: ["segment": "\(index.base)"])
        }
        guard let full = FullSegmentIndex.open(fileSystem, directory: directory, base: index.base, end: end, hash: hash) else {
            throw LogError(.io, "index files of segment \(index.base) did not read back after writing",
                           file: DerivedIndexKind.stream.fileName(base: index.base))
        }
        return full
    }

    func writeHeads(_ heads: [String: StreamHead], coveredNext: LogPosition) throws(LogError) {
        try StoreFiles.replace(fileSystem, directory: directory, name: StreamHeadsFile.fileName,
                               bytes: StreamHeadsFile.encode(heads, coveredNext: coveredNext), durable: true)
    }
}
