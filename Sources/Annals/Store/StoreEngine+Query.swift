import AnnalsLog
import Synchronization

extension StoreEngine {
    /// The events `selection` picks after `after` (nil: from the start), in log order, at most
    /// `limit`, each confirmed by `matches` against its own record.
    ///
    /// The query index gives each segment's candidates; only those records are read. Open
    /// segments' candidates are taken under `lock`; full segments' mapped files are immutable
    /// and read outside it, one segment at a time, so a small `limit` reads little.
    func readIndexed(
        _ selection: IndexedSelection, after: LogPosition?, limit: Int, matches: (RecordView) -> Bool
    ) throws(EventStoreError) -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        try followIfStale()
        if selection.matchesEverything {
            let end = LogPosition(visibleEnd.load(ordering: .acquiring))
            return try scanMatching(from: after.map { $0.advanced(by: 1) } ?? .first, end: end, limit: limit, matches: matches)
        }
        let floor = after?.rawValue ?? 0
        let (full, open) = try lock.withLock { () throws(EventStoreError) -> ([FullSegmentIndex], [(LogPosition, [UInt64])]) in
            try checkOpen()
            try replaceDamagedIndexes { $0.queryKeys.isIntact }
            let full = fullSegments.filter { $0.end.rawValue > floor &+ 1 }
            let open = openSegments.keys.sorted().map { base in
                let index = openSegments[base]!
                return (base, selection.candidates { index.positions(ofKeyHash: $0.hash(hash), after: floor) })
            }
            return (full, open)
        }
        // Full and open segments are disjoint; visit them all by base.
        var segments: [(base: LogPosition, candidates: () -> [UInt64])] = full.map { segment in
            (segment.base, { selection.candidates { key in segment.positions(ofKeyHash: key.hash(self.hash), after: floor) } })
        }
        for (base, found) in open { segments.append((base, { found })) }
        segments.sort { $0.base < $1.base }
        var events: [RecordedEvent] = []
        for segment in segments where events.count < limit {
            let positions = segment.candidates()
            guard !positions.isEmpty else { continue }
            do {
                _ = try log.forEachRecord(at: positions.map { LogPosition($0) }) { view in
                    if matches(view) { events.append(RecordedEvent(view, stream: StreamName(view.stream))) }
                    return events.count < limit
                }
            } catch { throw EventStoreError(error) }
        }
        return events
    }

    /// Events in `[start, end)` that pass `matches`, at most `limit`: the scan a query that
    /// selects every event needs.
    private func scanMatching(from start: LogPosition, end: LogPosition, limit: Int, matches: (RecordView) -> Bool) throws(EventStoreError) -> [RecordedEvent] {
        guard start < end else { return [] }
        var events: [RecordedEvent] = []
        do {
            _ = try log.forEachRecord(from: start, limit: Int(end.rawValue - start.rawValue)) { view in
                if matches(view) { events.append(RecordedEvent(view, stream: StreamName(view.stream))) }
                return events.count < limit
            }
        } catch { throw EventStoreError(error) }
        return events
    }

    /// The first position after `condition.after` of an event matching its query: one already
    /// acknowledged (the indexes, confirmed by the record), else one that a job decided earlier
    /// in this group will write. Runs on the commit thread, the only writer of what it reads, so
    /// nothing can be appended between this check and the write it guards.
    func conflictingPosition(_ condition: AppendCondition) throws(EventStoreError) -> LogPosition? {
        let query = condition.failIfEventsMatch
        if let committed = try readIndexed(.query(query), after: condition.after, limit: 1, matches: query.matches).first {
            return committed.position
        }
        return tentative.firstPosition(after: condition.after, where: query.matches)
    }
}
