import Dispatch
import AnnalsLog
import Synchronization
import Logging

extension StoreEngine {
    /// Notes records the log just acknowledged: heads, indexes, then the watermark. Hands any
    /// segment the log has moved past to the index queue. Runs on the commit thread, which
    /// finishes appends in position order; caller holds `lock`.
    func noteCommitted(_ records: [IndexedRecord]) {
        precondition(!records.isEmpty, "a commit holds at least one record")
        let first = records[0].position
        precondition(first == watermark, "the commit thread notes appends in position order")
        guard let base = log.segmentBase(containing: first) else {
            preconditionFailure("a committed position lies in a segment")
        }
        var index = openSegments.removeValue(forKey: base) ?? OpenSegmentIndex(base: base)
        for record in records {
            heads[record.stream, default: StreamHead()].apply(record)
            index.note(record, hash: hash)
            if index.wantsTimeEntry(record.position) { index.noteTime(record.timestamp, at: record.position) }
        }
        openSegments[base] = index
        watermark = records.last!.position.advanced(by: 1)
        visibleEnd.store(watermark.rawValue, ordering: .releasing)
        writeOutFullSegments()
    }

    /// Hands each open segment that a later one follows (so the log will never add to it, and
    /// the watermark has passed it) to the index queue. Caller holds `lock`.
    private func writeOutFullSegments() {
        guard openSegments.count > 1, !isClosed else { return }
        let bases = openSegments.keys.sorted()
        for (offset, base) in bases.dropLast().enumerated() where !segmentsBeingWritten.contains(base) {
            let end = bases[offset + 1]
            precondition(watermark >= end, "a later segment exists only once this one is complete")
            segmentsBeingWritten.insert(base)
            let index = openSegments[base]!
            let heads = self.heads  // copied lazily: the next write to `heads` pays for it
            let covered = watermark
            indexQueue.async { [self] in publishFullSegment(index, end: end, heads: heads, covered: covered) }
        }
    }

    /// On the index queue: writes a full segment's index files and the heads checkpoint, then
    /// swaps the mapped files in for the in-memory index. A failure keeps the segment indexed in
    /// memory (it is retried on the next open, which rebuilds what is missing); it never fails
    /// an append, whose records are already acknowledged.
    private func publishFullSegment(_ index: OpenSegmentIndex, end: LogPosition, heads: [String: StreamHead], covered: LogPosition) {
        do throws(LogError) {
            let full = try writeFiles(of: index, end: end, reportAsRebuilt: false)
            try writeHeads(heads, coveredNext: covered)
            lock.withLock {
                fullSegments.append(full)
                fullSegments.sort { $0.base < $1.base }
                openSegments[index.base] = nil
                segmentsBeingWritten.remove(index.base)
            }
        } catch {
            options.log.logger.error("writing stream indexes failed; kept in memory", metadata: ["segment": "\(index.base)", "error": "\(error)"])
        }
    }

    /// The position of the stored event with `id`, if any. Caller holds `lock`.
    func position(of id: EventID) -> LogPosition? {
        for index in openSegments.values {
            if let position = index.ids[id] { return position }
        }
        for full in fullSegments.reversed() {
            if let position = full.position(of: id) { return position }
        }
        return nil
    }
}
