import AnnalsLog
import Synchronization
import Logging

extension StoreEngine {
    /// What an append turned out to be once checked under the lock.
    private enum Plan {
        /// Every id is stored already: answer from the stored records, write nothing.
        case replay([LogPosition])
        /// New events: write these entries.
        case write([LogEntry])
    }

    /// Appends one atomic batch spanning one or more streams (see `EventStore.append`).
    func append(_ requests: [StreamAppend]) throws(EventStoreError) -> MultiAppendResult {
        try Self.validate(requests)
        let names = Set(requests.map(\.stream.rawValue))
        let ids = requests.flatMap { $0.events.map(\.id.eventID) }
        let plan: Plan = try lock.withLock { () throws(EventStoreError) -> Plan in
            try reserve(names, ids)
            do throws(EventStoreError) {
                let stored = ids.map { position(of: $0) }
                let storedCount = stored.count { $0 != nil }
                if storedCount == ids.count {
                    release(names, ids)
                    return .replay(stored.map { $0! })
                }
                guard storedCount == 0 else {
                    throw .idempotencyConflict("\(storedCount) of the batch's \(ids.count) event ids are stored already; a retried batch must be identical")
                }
                return .write(try entries(for: requests))
            } catch {
                release(names, ids)
                throw error
            }
        }
        switch plan {
        case .replay(let positions):
            return try replayResult(requests, positions: positions)
        case .write(let entries):
            let range = try commit(entries, names: names, ids: ids)
            var versions: [StreamName: UInt64] = [:]
            for entry in entries { versions[StreamName(entry.stream)] = entry.streamVersion }
            return MultiAppendResult(positions: range, streamVersions: versions)
        }
    }

    /// Writes a soft delete or a tombstone for `stream` (see `EventStore.delete`).
    func delete(_ stream: StreamName, expectedVersion: ExpectedVersion, hard: Bool) throws(EventStoreError) -> LogPosition {
        try stream.validate()
        let entry: LogEntry = try lock.withLock { () throws(EventStoreError) -> LogEntry in
            try reserve([stream.rawValue], [])
            do throws(EventStoreError) {
                let head = heads[stream.rawValue] ?? StreamHead()
                if head.tombstoned { throw .streamTombstoned(stream) }
                let actual = head.liveVersion
                guard expectedVersion.accepts(actual: actual), hard || actual != nil else {
                    if !hard && head.isSoftDeleted { throw .streamDeleted(stream) }
                    throw .wrongExpectedVersion(stream: stream, expected: expectedVersion, actual: actual)
                }
                let control: ControlRecord = hard ? .tombstone : .softDelete(truncateBefore: head.nextVersion)
                return control.entry(stream: stream, nextVersion: head.nextVersion)
            } catch {
                release([stream.rawValue], [])
                throw error
            }
        }
        return try commit([entry], names: [stream.rawValue], ids: []).lowerBound
    }

    /// Waits until no in-flight append holds any of these streams or ids, then holds them.
    /// Caller holds `lock`.
    private func reserve(_ names: Set<String>, _ ids: [EventID]) throws(EventStoreError) {
        while !isClosed && (!busyStreams.isDisjoint(with: names) || ids.contains(where: busyIDs.contains)) {
            lock.wait()
        }
        try checkOpen()
        busyStreams.formUnion(names)
        busyIDs.formUnion(ids)
    }

    /// Caller holds `lock`.
    private func release(_ names: Set<String>, _ ids: [EventID]) {
        busyStreams.subtract(names)
        busyIDs.subtract(ids)
        lock.broadcast()
    }

    /// Checks each stream's expected version and numbers its events. A stream named again later
    /// in the batch is checked against, and numbered after, what its earlier parts reached, as
    /// if the parts were appended one after another. Caller holds `lock`.
    private func entries(for requests: [StreamAppend]) throws(EventStoreError) -> [LogEntry] {
        var entries: [LogEntry] = []
        var nextVersions: [String: UInt64] = [:]  // streams this batch has numbered so far
        for request in requests {
            let head = heads[request.stream.rawValue] ?? StreamHead()
            if head.tombstoned { throw .streamTombstoned(request.stream) }
            let earlier = nextVersions[request.stream.rawValue]
            let actual = earlier.map { $0 - 1 } ?? head.liveVersion
            guard request.expectedVersion.accepts(actual: actual) else {
                throw .wrongExpectedVersion(stream: request.stream, expected: request.expectedVersion, actual: actual)
            }
            var version = earlier ?? head.nextVersion
            for event in request.events {
                entries.append(LogEntry(stream: request.stream.rawValue, eventType: event.type, streamVersion: version,
                                        eventID: event.id.eventID, timestamp: event.timestamp.map(EventStore.nanoseconds),
                                        metadata: event.metadata, payload: event.data))
                version += 1
            }
            nextVersions[request.stream.rawValue] = version
        }
        return entries
    }

    /// Appends reserved entries to the log (without the lock, so group commit can coalesce
    /// appends to different streams), then notes them and releases the reservation.
    private func commit(_ entries: [LogEntry], names: Set<String>, ids: [EventID]) throws(EventStoreError) -> ClosedRange<LogPosition> {
        let outcome: Result<ClosedRange<LogPosition>, LogError>
        do { outcome = .success(try log.append(entries)) } catch { outcome = .failure(error) }
        var records: [IndexedRecord] = []
        var timestamps: [Int64]?
        if case .success(let range) = outcome {
            timestamps = committedTimestamps(of: range, explicit: entries.contains { $0.timestamp != nil })
            records = zip(range.lowerBound.rawValue...range.upperBound.rawValue, entries).enumerated().map { index, pair in
                IndexedRecord(position: LogPosition(pair.0), timestamp: timestamps?[index] ?? 0, entry: pair.1)
            }
        }
        lock.withLock {
            if !records.isEmpty { noteCommitted(records, timestampKnown: timestamps != nil) }
            release(names, ids)
        }
        switch outcome {
        case .success(let range):
            signal.notify(upTo: LogPosition(visibleEnd.load(ordering: .acquiring)))
            return range
        case .failure(let error):
            throw EventStoreError(error)
        }
    }

    /// The timestamps the log gave the batch in `range`, one per record, read back from the log.
    /// Without explicit (backdated) timestamps every record of a batch gets the same one (the
    /// commit time, kept monotonic by the log), so only the last record is read. A failed read
    /// gives nil, and the batch gets no time-index entry: that costs only a longer scan when
    /// searching by time, never a wrong answer.
    private func committedTimestamps(of range: ClosedRange<LogPosition>, explicit: Bool) -> [Int64]? {
        let count = Int(range.upperBound.rawValue - range.lowerBound.rawValue + 1)
        var found: [Int64] = []
        found.reserveCapacity(count)
        _ = try? log.forEachRecord(from: explicit ? range.lowerBound : range.upperBound, limit: explicit ? count : 1) { view in
            found.append(view.timestamp)
            return true
        }
        if explicit { return found.count == count ? found : nil }
        return found.first.map { Array(repeating: $0, count: count) }
    }

    private static func validate(_ requests: [StreamAppend]) throws(EventStoreError) {
        guard !requests.isEmpty else { throw .invalidArgument("an append needs at least one stream") }
        var ids: Set<EventID> = []
        for request in requests {
            try request.stream.validate()
            guard !request.events.isEmpty else { throw .invalidArgument("an append to \(request.stream) needs at least one event") }
            for event in request.events {
                guard ids.insert(event.id.eventID).inserted else {
                    throw .invalidArgument("event id \(event.id) appears twice in one append")
                }
                guard event.type.utf8.count <= 1024 else { throw .invalidArgument("event type \(event.type.prefix(40))… exceeds 1024 bytes") }
            }
        }
    }
}

extension StoreEngine {
    /// The original result of a batch whose ids are all stored: checked exactly against the
    /// stored records (same id, same stream), from which positions and versions are read.
    func replayResult(_ requests: [StreamAppend], positions: [LogPosition]) throws(EventStoreError) -> MultiAppendResult {
        let sorted = positions.sorted()
        let records = try records(at: sorted) { _ in true }
        var byPosition: [LogPosition: LogRecord] = [:]
        for record in records { byPosition[record.position] = record }
        var versions: [StreamName: UInt64] = [:]
        var index = 0
        for request in requests {
            for event in request.events {
                let position = positions[index]
                index += 1
                guard let record = byPosition[position], record.eventID == event.id.eventID,
                      !ControlRecord.isControl(flags: record.flags)
                else {
                    throw .storage(LogError(.corruption, "the id index points event \(event.id) at position \(position), which holds another record"))
                }
                guard record.stream == request.stream.rawValue else {
                    throw .idempotencyConflict("event \(event.id) is stored in stream \(record.stream), not \(request.stream)")
                }
                versions[request.stream] = max(versions[request.stream] ?? 0, record.streamVersion)
            }
        }
        return MultiAppendResult(positions: sorted.first!...sorted.last!, streamVersions: versions)
    }
}
