import AnnalsLog
import Dispatch
import Synchronization
import Logging

extension StoreEngine {
    /// How stale a read-only store's reads may be: a read first catches up with the writer
    /// when the last catch-up is older than this. Subscriptions poll at the same interval.
    static let followIntervalNanoseconds: UInt64 = 1_000_000

    /// In a read-only store, catches up with the writer when the last catch-up is older than
    /// `followIntervalNanoseconds`. A writable store is always current.
    func followIfStale() throws(EventStoreError) {
        guard isReadOnly else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now &- lastFollowed.load(ordering: .relaxed) >= Self.followIntervalNanoseconds else { return }
        try follow()
    }

    /// In a read-only store, applies what the writer made durable since the last catch-up:
    /// refreshes the log, moves the visible end and wakes subscribers; with `indexing`, also
    /// indexes the new records and notes them in the heads (what stream, time and id reads
    /// need). Returns true when records became visible.
    ///
    /// Subscriptions follow without indexing: they read by position, so a process that only
    /// subscribes never pays for the stream index. So in a read-only engine `visibleEnd` may
    /// run ahead of `watermark` (the indexed end); reads that use the index catch it up first.
    /// The log is read outside `lock` (catch-ups are serialized by `followMutex`, and only
    /// they change a read-only engine), so readers wait only for the swap.
    @discardableResult
    func follow(indexing: Bool = true) throws(EventStoreError) -> Bool {
        precondition(isReadOnly, "only a read-only store follows a writer")
        followMutex.lock()
        defer { followMutex.unlock() }
        if indexing { lastFollowed.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }
        // A closed store has nothing to follow; its callers report `.closed` themselves.
        let state: (from: LogPosition, closed: Bool) = lock.withLock { (watermark, isClosed) }
        guard !state.closed else { return false }
        let visibleBefore = LogPosition(visibleEnd.load(ordering: .acquiring))
        do { try log.refresh() } catch { throw EventStoreError(error) }
        let end = log.nextPosition
        guard indexing else {
            guard end > visibleBefore else { return false }
            visibleEnd.store(end.rawValue, ordering: .releasing)
            signal.notify(upTo: end)
            return true
        }
        let bases = log.segmentBases()
        let records = try recordsAfterWatermark(from: state.from, to: end)
        // Index files the writer finished since: mapped, so the in-memory copies can go.
        let written = writtenFullIndexes(bases: bases)
        if !records.isEmpty || !written.isEmpty {
            lock.withLock {
                if !records.isEmpty { noteFollowed(records, bases: bases) }
                adopt(written)
            }
        }
        guard end > visibleBefore else { return false }
        visibleEnd.store(end.rawValue, ordering: .releasing)
        signal.notify(upTo: end)
        return true
    }

    /// The records in `from..<end`, all of them, or an error.
    private func recordsAfterWatermark(from: LogPosition, to end: LogPosition) throws(EventStoreError) -> [IndexedRecord] {
        guard end > from else { return [] }
        var records: [IndexedRecord] = []
        records.reserveCapacity(Int(min(end.rawValue - from.rawValue, 1 << 16)))
        do {
            try log.forEachRecord(from: from, limit: Int(end.rawValue - from.rawValue)) { view in
                records.append(IndexedRecord(view))
                return true
            }
        } catch { throw EventStoreError(error) }
        guard records.count == Int(end.rawValue - from.rawValue), records.first?.position == from else {
            throw .storage(LogError(.corruption, "following the writer: positions \(from)..<\(end) should hold \(end.rawValue - from.rawValue) records but \(records.count) were read"))
        }
        return records
    }

    /// Notes records read from the writer's log, segment by segment. Caller holds `lock`.
    private func noteFollowed(_ records: [IndexedRecord], bases: [LogPosition]) {
        precondition(records.first?.position == watermark, "a catch-up starts at the watermark")
        var slot = bases.lastIndex { $0 <= records[0].position }!
        var index = openSegments.removeValue(forKey: bases[slot]) ?? OpenSegmentIndex(base: bases[slot])
        for record in records {
            while slot + 1 < bases.count, record.position >= bases[slot + 1] {
                openSegments[bases[slot]] = index
                slot += 1
                index = openSegments.removeValue(forKey: bases[slot]) ?? OpenSegmentIndex(base: bases[slot])
            }
            heads[record.stream, default: StreamHead()].apply(record)  // idempotent: the checkpoint may hold it
            index.note(record, hash: hash, indexingID: false)
            if index.wantsTimeEntry(record.position) { index.noteTime(record.timestamp, at: record.position) }
        }
        openSegments[bases[slot]] = index
        watermark = records.last!.position.advanced(by: 1)
        // The visible end is moved by `follow` (it may already be ahead: subscriptions).
    }

    /// The full segments indexed in memory whose index files the writer has written by now:
    /// mapped, so the in-memory copies can go.
    private func writtenFullIndexes(bases: [LogPosition]) -> [FullSegmentIndex] {
        let pending: [LogPosition] = lock.withLock { openSegments.keys.filter { $0 != bases.last } }
        guard !pending.isEmpty else { return [] }
        return pending.compactMap { base in
            guard let slot = bases.firstIndex(of: base), slot + 1 < bases.count else { return nil }
            return FullSegmentIndex.open(fileSystem, directory: directory, base: base, end: bases[slot + 1], hash: hash,
                                         checkingBodiesLater: true)
        }
    }

    /// Swaps mapped index files in for in-memory indexes of the same full segments. Caller holds `lock`.
    private func adopt(_ written: [FullSegmentIndex]) {
        guard !written.isEmpty else { return }
        for full in written where openSegments[full.base] != nil {
            openSegments[full.base] = nil
            fullSegments.append(full)
        }
        fullSegments.sort { $0.base < $1.base }
    }

    /// In a read-only store, full segments whose index file of the kind a read needs fails its
    /// checksum at first use (`isIntact`) are indexed from the log in memory instead, once: a
    /// reader may not rebuild the file (the writer's next open does). Caller holds `lock`.
    func replaceDamagedIndexes(_ intact: (FullSegmentIndex) -> Bool) throws(EventStoreError) {
        guard isReadOnly else { return }
        let damaged = fullSegments.filter { !intact($0) }
        for full in damaged {
            options.log.logger.warning("a stream-layer index file fails its checksum; indexing the segment in memory",
                                       metadata: ["segment": "\(full.base)"])
            do { openSegments[full.base] = try scan(from: full.base, to: full.end, headsFrom: LogPosition(UInt64.max)) } catch {
                throw EventStoreError(error)
            }
            fullSegments.removeAll { $0.base == full.base }
        }
    }

    /// What a subscription does at the head: waits until a commit passes `cursor` (the signal
    /// wakes it). In a read-only store the watermark poller moves the visible end and wakes it
    /// (`WatermarkPoller`); what the poller failed with is thrown here. The caller re-reads the
    /// visible end after it.
    func waitForCommit(beyond cursor: LogPosition) async throws(EventStoreError) {
        let current: @Sendable () -> LogPosition = { [self] in LogPosition(visibleEnd.load(ordering: .acquiring)) }
        guard let poller else {
            await signal.wait(beyond: cursor, current: current)
            return
        }
        await signal.wait(beyond: cursor, current: current, afterRegistering: { poller.ensureRunning(for: self) })
        if let failure = poller.lastFailure { throw failure }
    }
}
