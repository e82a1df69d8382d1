import Synchronization
extension Log {
    /// The most bytes one append batch may take (padded records); a batch must fit in a segment.
    public var batchBytesMax: Int { options.segmentBytes - Format.segmentHeaderBytes }

    /// Appends `entries` as one atomic batch and returns the positions they got, in order.
    ///
    /// Returns once the batch is acknowledged under the durability policy: under `.always`,
    /// after fdatasync. Concurrent callers are coalesced into one write and one sync (group
    /// commit). After a crash, either the whole batch is visible or none of it.
    @discardableResult
    public func append(_ entries: [LogEntry]) throws(LogError) -> ClosedRange<LogPosition> {
        guard !entries.isEmpty else { throw .invalid("an append needs at least one entry") }
        var paddedBytes = 0
        for entry in entries {
            try RecordCodec.validate(entry)
            paddedBytes += RecordCodec.paddedBytes(entry.encodedBytes)
        }
        guard paddedBytes <= batchBytesMax else {
            throw .invalid("a batch of \(paddedBytes) bytes does not fit in a segment of \(options.segmentBytes) bytes")
        }
        let range = try enqueue(PendingBatch(entries: entries, paddedBytes: paddedBytes))
        return range!
    }

    /// Makes every acknowledged record durable now, whatever the policy. Ordered with appends:
    /// it covers every append acknowledged before it was called.
    public func sync() throws(LogError) {
        _ = try enqueue(PendingBatch(syncRequest: ()))
    }

    /// Joins the commit queue and waits until the request is done. The request at the front of
    /// the queue is the leader: it commits every request queued behind it as one group, wakes
    /// their callers, and wakes the new front, which leads the next group. (The shape of
    /// LevelDB's writer queue: one wakeup per waiter, never a thundering herd.)
    private func enqueue(_ request: PendingBatch) throws(LogError) -> ClosedRange<LogPosition>? {
        commitMutex.lock()
        defer { commitMutex.unlock() }
        try checkOpen()
        if let failure { throw failure }
        queue.append(request)
        while request.result == nil && queue.first !== request {
            commitMutex.wait(on: request.wakeup)
        }
        if let result = request.result { return try result.get() }
        lead()
        return try request.result!.get()
    }

    /// Runs with the commit mutex held, as the front of the queue; returns with it held.
    private func lead() {
        let group = queue
        let failedEarlier = failure
        commitMutex.unlock()
        let outcome = failedEarlier.map { GroupOutcome(failingAll: group.count, with: $0) } ?? commitGroup(group)
        commitMutex.lock()
        for (request, result) in zip(group, outcome.results) { request.result = result }
        if let poison = outcome.poison, failure == nil {
            failure = LogError(.io, "an earlier write or sync failed (\(poison.message)); the store must be reopened",
                               file: poison.file, offset: poison.offset, errno: poison.errno)
        }
        queue.removeFirst(group.count)
        for request in group.dropFirst() { request.wakeup.signal() }
        if let next = queue.first { next.wakeup.signal() } else { commitMutex.broadcast() }
    }

    /// Encodes, writes and (per policy) syncs one group of requests. Runs on the leader only,
    /// without the commit mutex, so the next group queues up meanwhile.
    func commitGroup(_ group: [PendingBatch]) -> GroupOutcome {
        let now = options.clock()
        let syncAtEnd = options.durability == .always || group.contains { $0.isSyncRequest }
        var outcome = GroupOutcome(results: Array(repeating: nil, count: group.count))
        var ranges: [ClosedRange<LogPosition>?] = Array(repeating: nil, count: group.count)
        var pending: [Int] = []
        for (index, batch) in group.enumerated() where !batch.isSyncRequest {
            if !writer.fits(batch.paddedBytes) && !writer.isEmpty {
                do throws(WriterFailure) {
                    try writer.flush(sync: true)
                    publish(pending, ranges, into: &outcome)
                    pending.removeAll()
                    let segment = try writer.roll(newCapacity: UInt64(options.segmentBytes), createdAt: now)
                    tableMutex.withLock { segments.append(segment) }
                    sealer?.schedule()
                } catch {
                    outcome.fail(from: Array(group.indices), with: error)
                    return outcome
                }
            }
            guard writer.fits(batch.paddedBytes) else {
                outcome.results[index] = .failure(.invalid(
                    "a batch of \(batch.paddedBytes) bytes does not fit in the active segment of \(writer.capacity) bytes"))
                continue
            }
            ranges[index] = writer.encode(batch.entries, now: now)
            pending.append(index)
        }
        pending += group.indices.filter { group[$0].isSyncRequest }
        do throws(WriterFailure) {
            try writer.flush(sync: syncAtEnd)
            publish(pending, ranges, into: &outcome)
        } catch {
            outcome.fail(from: pending, with: error)
        }
        precondition(outcome.results.allSatisfy { $0 != nil }, "every request of a group gets a result")
        return outcome
    }

    /// Marks flushed requests done and moves the committed watermark past them.
    private func publish(_ pending: [Int], _ ranges: [ClosedRange<LogPosition>?], into outcome: inout GroupOutcome) {
        for index in pending { outcome.results[index] = .success(ranges[index]) }
        committedNext.store(writer.segment.committed.nextPosition.rawValue, ordering: .releasing)
    }
}

/// What one group commit did for each of its requests.
struct GroupOutcome {
    var results: [Result<ClosedRange<LogPosition>?, LogError>?]
    /// Set when the store must refuse all further appends.
    var poison: LogError?

    init(results: [Result<ClosedRange<LogPosition>?, LogError>?]) {
        self.results = results
    }

    init(failingAll count: Int, with error: LogError) {
        results = Array(repeating: .failure(error), count: count)
    }

    mutating func fail(from indices: [Int], with failure: WriterFailure) {
        for index in indices where results[index] == nil { results[index] = .failure(failure.error) }
        if case .poisoned(let error) = failure { poison = error }
    }
}
