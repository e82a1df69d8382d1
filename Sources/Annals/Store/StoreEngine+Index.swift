import AnnalsLog
import Synchronization
import Logging

extension StoreEngine {
    /// Notes records the log just committed: heads at once, then indexes, then the watermark,
    /// writing out any segment the watermark has passed. Caller holds `lock`.
    /// Without a known timestamp the records get no time-index entries (see `committedTimestamp`).
    func noteCommitted(_ records: [IndexedRecord], timestampKnown: Bool) {
        precondition(!records.isEmpty, "a commit holds at least one record")
        let first = records[0].position
        guard let base = log.segmentBase(containing: first) else {
            preconditionFailure("a committed position lies in a segment")
        }
        var index = openSegments[base] ?? OpenSegmentIndex(base: base)
        for record in records {
            heads[record.stream, default: StreamHead()].apply(record)
            index.note(record)
            if timestampKnown && index.wantsTimeEntry(record.position) { index.noteTime(record.timestamp, at: record.position) }
        }
        openSegments[base] = index
        pendingRanges[first.rawValue] = records.last!.position.rawValue + 1
        advanceWatermark()
        sealCompletedSegments()
    }

    /// Moves the watermark over every contiguous noted range.
    private func advanceWatermark() {
        var moved = false
        while let next = pendingRanges.removeValue(forKey: watermark.rawValue) {
            precondition(next > watermark.rawValue, "ranges move forward")
            watermark = LogPosition(next)
            moved = true
        }
        if moved { visibleEnd.store(watermark.rawValue, ordering: .releasing) }
    }

    /// Writes out each open segment that a later open segment follows and the watermark has
    /// passed: all its records are noted, and the log will never add to it.
    ///
    /// A failure here must not fail the append that triggered it (its records are committed):
    /// the segment stays indexed in memory, the failure is logged, and the next commit retries.
    private func sealCompletedSegments() {
        while openSegments.count > 1 {
            let bases = openSegments.keys.sorted()
            let (oldest, next) = (bases[0], bases[1])
            guard watermark >= next else { return }
            do throws(LogError) {
                let full = try writeFiles(of: openSegments[oldest]!, end: next, reportAsRebuilt: false)
                fullSegments.append(full)
                fullSegments.sort { $0.base < $1.base }
                openSegments[oldest] = nil
                try writeHeads(heads, coveredNext: watermark)
            } catch {
                options.log.logger.error("writing stream indexes failed; kept in memory", metadata: ["segment": "\(oldest)", "error": "\(error)"])
                return
            }
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
