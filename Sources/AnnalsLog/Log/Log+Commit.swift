import Synchronization

extension Log {
    /// Commits one group of requests, in queue order, on the commit thread, and finishes each.
    /// Returns the error that must poison the log (a failed fsync, or a failed undo), if any.
    ///
    /// Requests are encoded into one buffer and written with one pwrite; under `.always` (or
    /// when the group holds a `sync` request) one fdatasync follows. A request that needs a new
    /// segment first flushes, syncs and publishes what the group wrote so far, then rolls.
    func commitGroup(_ group: [CommitRequest]) -> LogError? {
        let now = options.clock()
        var syncAtEnd = options.durability == .always
        /// Requests encoded (or waiting with nothing to write) since the last flush.
        var written: [(request: CommitRequest, batch: AppendedBatch?)] = []
        // For the metrics, noted once per group (docs/OBSERVABILITY.md).
        var (recordsEncoded, bytesEncoded) = (0, 0)
        defer { metrics?.noteGroup(requests: group.count, records: recordsEncoded, bytes: bytesEncoded) }
        var next = 0
        while next < group.count {
            let request = group[next]
            next += 1
            let entries: [LogEntry]
            let paddedBytes: Int
            switch request.work {
            case .sync:
                syncAtEnd = true
                written.append((request, nil))
                continue
            case .append(let given, let bytes):
                (entries, paddedBytes) = (given, bytes)
            case .decide(let decide):
                guard let decided = decide(writer.nextPosition) else { continue }
                guard !decided.isEmpty else {
                    written.append((request, nil))
                    continue
                }
                do throws(LogError) { paddedBytes = try validate(decided) } catch {
                    request.finish(.failure(error))
                    continue
                }
                entries = decided
            }
            if !writer.fits(paddedBytes) && !writer.isEmpty {
                do throws(WriterFailure) {
                    try writer.flush(sync: true)
                    publish(&written)
                    try roll(now: now)
                } catch {
                    fail(written.map(\.request) + [request], with: error.error)
                    fail(Array(group[next...]), with: error.error)
                    return error.poison
                }
            }
            guard writer.fits(paddedBytes) else {
                request.finish(.failure(.invalid(
                    "a batch of \(paddedBytes) bytes does not fit in the active segment of \(writer.capacity) bytes")))
                continue
            }
            written.append((request, writer.encode(entries, now: now)))
            recordsEncoded += entries.count
            bytesEncoded += paddedBytes
        }
        do throws(WriterFailure) {
            try writer.flush(sync: syncAtEnd)
        } catch {
            fail(written.map(\.request), with: error.error)
            return error.poison
        }
        publish(&written)
        return nil
    }

    /// Moves the committed watermark past the flushed requests, then finishes them in order.
    private func publish(_ written: inout [(request: CommitRequest, batch: AppendedBatch?)]) {
        committedNext.store(writer.segment.committed.nextPosition.rawValue, ordering: .releasing)
        for (request, batch) in written { request.finish(.success(batch)) }
        written.removeAll(keepingCapacity: true)
    }

    private func fail(_ requests: [CommitRequest], with error: LogError) {
        for request in requests { request.finish(.failure(error)) }
    }

    /// Starts a new active segment after the current one, which the caller flushed and synced.
    private func roll(now: Int64) throws(WriterFailure) {
        let segment = try writer.roll(newCapacity: UInt64(options.segmentBytes), createdAt: now)
        segment.attach(cache: blockCache)
        tableMutex.withLock { segments.append(segment) }
        sealer?.schedule()
    }
}

extension WriterFailure {
    /// The error that must poison the log, for a failure that leaves the disk in doubt.
    var poison: LogError? {
        if case .poisoned(let error) = self { return error }
        return nil
    }
}
