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
        let batch = PendingBatch(entries: entries, paddedBytes: paddedBytes)
        commitMutex.lock()
        defer { commitMutex.unlock() }
        try checkOpen()
        if let failure { throw failure }
        queue.append(batch)
        while batch.result == nil {
            if leaderActive {
                commitMutex.wait()
                continue
            }
            leaderActive = true
            let group = queue
            queue.removeAll(keepingCapacity: true)
            let failedEarlier = failure
            commitMutex.unlock()
            let outcome = failedEarlier.map { GroupOutcome(failingAll: group.count, with: $0) } ?? commitGroup(group)
            commitMutex.lock()
            for (pending, result) in zip(group, outcome.results) { pending.result = result }
            if let poison = outcome.poison, failure == nil {
                failure = LogError(.io, "an earlier write or sync failed (\(poison.message)); the store must be reopened",
                                   file: poison.file, offset: poison.offset, errno: poison.errno)
            }
            leaderActive = false
            commitMutex.broadcast()
        }
        return try batch.result!.get()
    }

    /// Makes every acknowledged record durable now, whatever the policy.
    public func sync() throws(LogError) {
        commitMutex.lock()
        while leaderActive && !isClosed { commitMutex.wait() }
        do throws(LogError) {
            try checkOpen()
            if let failure { throw failure }
        } catch {
            commitMutex.unlock()
            throw error
        }
        leaderActive = true
        commitMutex.unlock()
        var poison: LogError?
        do throws(WriterFailure) { try writer.flush(sync: true) } catch { poison = error.error }
        commitMutex.lock()
        if let poison, failure == nil { failure = LogError(.io, "sync failed: \(poison.message); the store must be reopened", file: poison.file, errno: poison.errno) }
        leaderActive = false
        commitMutex.broadcast()
        let result = failure
        commitMutex.unlock()
        if let result { throw result }
    }

    /// Encodes, writes and (per policy) syncs one group of batches. Runs on the leader only,
    /// without the commit mutex, so the next group queues up meanwhile.
    func commitGroup(_ group: [PendingBatch]) -> GroupOutcome {
        let now = options.clock()
        let syncEachGroup = options.durability == .always
        var outcome = GroupOutcome(results: Array(repeating: nil, count: group.count))
        var ranges: [ClosedRange<LogPosition>?] = Array(repeating: nil, count: group.count)
        var pending: [Int] = []
        for (index, batch) in group.enumerated() {
            if !writer.fits(batch.paddedBytes) && !writer.isEmpty {
                do throws(WriterFailure) {
                    try writer.flush(sync: true)
                    publish(pending, ranges, into: &outcome)
                    pending.removeAll()
                    let segment = try writer.roll(newCapacity: UInt64(options.segmentBytes), createdAt: now)
                    tableMutex.withLock { segments.append(segment) }
                } catch {
                    outcome.fail(from: pending + Array(index..<group.count), with: error)
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
        do throws(WriterFailure) {
            try writer.flush(sync: syncEachGroup)
            publish(pending, ranges, into: &outcome)
        } catch {
            outcome.fail(from: pending, with: error)
        }
        return outcome
    }

    /// Marks flushed batches acknowledged and moves the committed watermark past them.
    private func publish(_ pending: [Int], _ ranges: [ClosedRange<LogPosition>?], into outcome: inout GroupOutcome) {
        for index in pending { outcome.results[index] = .success(ranges[index]!) }
        committedNext.store(writer.segment.committed.nextPosition.rawValue, ordering: .releasing)
    }
}

/// What one group commit did for each of its batches.
struct GroupOutcome {
    var results: [Result<ClosedRange<LogPosition>, LogError>?]
    /// Set when the store must refuse all further appends.
    var poison: LogError?

    init(results: [Result<ClosedRange<LogPosition>, LogError>?]) {
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
