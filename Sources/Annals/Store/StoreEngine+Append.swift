#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AnnalsLog
import Dispatch
import Synchronization

extension StoreEngine {
    /// Appends one atomic batch spanning one or more streams (see `EventStore.append`).
    ///
    /// The checks (expected versions, idempotency) and the write happen on the log's commit
    /// thread, in commit order, so no check can interleave with another append's write. The
    /// caller awaits a continuation; no thread waits for it.
    /// Inlined into its caller, so that the unobserved path costs no extra async frame.
    @inline(__always)
    func append(_ requests: [StreamAppend], condition: AppendCondition? = nil) async throws(EventStoreError) -> MultiAppendResult {
        if isObserved { return try await appendObserved(requests, condition: condition) }
        return try await appendUnobserved(requests, condition: condition)
    }

    /// `append` without metrics or a span (StoreEngine+Observed wraps it in them).
    func appendUnobserved(_ requests: [StreamAppend], condition: AppendCondition? = nil) async throws(EventStoreError) -> MultiAppendResult {
        let ids = try Self.validate(requests)
        if let condition { try condition.failIfEventsMatch.validate() }
        switch try await submit(.events(requests), ids: ids, condition: condition) {
        case .written(let entries, let batch):
            return MultiAppendResult(written: entries, batch: batch)
        case .replay:
            return try replayResult(requests, ids: ids)
        }
    }

    /// Writes a soft delete or a tombstone for `stream` (see `EventStore.softDelete`).
    func delete(_ stream: StreamName, expectedVersion: ExpectedVersion, hard: Bool) async throws(EventStoreError) -> LogPosition {
        try await delete(DeletionRequest(stream: stream, expectedVersion: expectedVersion, hard: hard))
    }

    /// Writes the soft delete or tombstone `request` describes, counted, timed and traced
    /// when something observes the store (StoreEngine+Observed).
    func delete(_ request: DeletionRequest) async throws(EventStoreError) -> LogPosition {
        if isObserved { return try await deleteObserved(request) }
        return try await deleteUnobserved(request)
    }

    /// `delete` without metrics or a span.
    func deleteUnobserved(_ request: DeletionRequest) async throws(EventStoreError) -> LogPosition {
        try request.stream.validate()
        guard case .written(_, let batch) = try await submit(.delete(request), ids: []) else {
            preconditionFailure("a deletion has no ids, so it is never a replay")
        }
        return batch.positions.lowerBound
    }

    /// Hands a job to the commit thread and awaits its outcome.
    private func submit(_ kind: AppendJob.Kind, ids: [EventID], condition: AppendCondition? = nil) async throws(EventStoreError) -> AppendJob.Outcome {
        if isClosing.load(ordering: .acquiring) { throw .closed }
        try checkWritable(kind.isDelete ? "delete a stream" : "append")
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<AppendJob.Outcome, EventStoreError>, Never>) in
            let job = AppendJob(kind: kind, ids: ids, condition: condition, continuation: continuation)
            log.submit(CommitRequest(.decide({ [self] first in decide(job, first: first) })) { [self] result in finish(job, result) })
        }
        return try result.get()
    }

    /// Runs on the commit thread when the job's turn comes: checks it against the store's heads
    /// and what earlier jobs of the group will write, and returns the entries to write ([] for
    /// a replay), or answers the caller with the refusal and returns nil. `first` is the
    /// position its first entry will get.
    ///
    /// A replay is recognised before the append condition is checked: a retried batch returns
    /// its original result, although its own events now match the condition's query.
    private func decide(_ job: AppendJob, first: LogPosition) -> [LogEntry]? {
        do throws(EventStoreError) {
            if case .events = job.kind, try lock.withLock({ () throws(EventStoreError) -> Bool in try isReplay(job.ids) }) {
                job.isReplay = true
                return []
            }
            if let condition = job.condition, let conflict = try conflictingPosition(condition) {
                throw .appendConditionFailed(.init("an event matching the append condition's query was appended after position \(condition.after?.rawValue ?? 0)", position: conflict))
            }
            var after: [String: StreamHead] = [:]
            let entries: [LogEntry] = try lock.withLock { () throws(EventStoreError) -> [LogEntry] in
                switch job.kind {
                case .events(let requests):
                    after.reserveCapacity(requests.count)  // no rehashing as a large batch's streams are added
                    return try eventEntries(for: requests, after: &after)
                case .delete(let request):
                    return [try deletion(request, after: &after)]
                }
            }
            precondition(!entries.isEmpty, "an events job that is not a replay, or a deletion, writes entries")
            // The log validates the entries next; if it refuses them it finishes this job at
            // once, before deciding anything else, so the tentative heads below are dropped.
            job.entries = entries
            tentative.push(job, heads: after, ids: job.ids, first: first)
            job.isTentative = true
            return entries
        } catch {
            job.resume(.failure(error))
            return nil
        }
    }

    /// Runs on the commit thread once the job's group is acknowledged or has failed.
    private func finish(_ job: AppendJob, _ result: Result<AppendedBatch?, LogError>) {
        // Commit-thread state: touched only for jobs that ran there (a refused job did not).
        if job.isTentative { tentative.remove(job) }
        switch result {
        case .success(let batch?):
            let records = IndexedRecord.records(job.entries, batch: batch)
            lock.withLock { noteCommitted(records) }
            if options.waitsForIndexWrites { indexQueue.sync {} }
            signal.notify(upTo: LogPosition(visibleEnd.load(ordering: .acquiring)))
            job.resume(.success(.written(entries: job.entries, batch: batch)))
        case .success(nil):
            precondition(job.isReplay, "only a replay writes nothing")
            job.resume(.success(.replay))
        case .failure(let error):
            job.resume(.failure(EventStoreError(error)))
        }
    }

    /// True when every id is stored (or about to be, earlier in this group); throws when only
    /// some are. Caller holds `lock`.
    private func isReplay(_ ids: [EventID]) throws(EventStoreError) -> Bool {
        var stored = 0
        var firstStored: EventID?
        let anyTentative = !tentative.isEmpty  // usually false: one appender awaits each append
        for id in ids where (anyTentative && tentative.contains(id)) || position(of: id) != nil {
            stored += 1
            firstStored = firstStored ?? id
        }
        guard let firstStored else { return false }
        guard stored == ids.count else {
            throw .idempotencyConflict(.init("\(stored) of the batch's \(ids.count) event ids are stored already; a retried batch must be identical",
                                             eventID: UUID(firstStored)))
        }
        return true
    }

    /// The head `stream` will have once every decided job is acknowledged. Caller holds `lock`.
    func decidedHead(_ stream: String) -> StreamHead {
        tentative.head(stream) ?? heads[stream] ?? StreamHead()
    }

    /// Checks each stream's expected version and numbers its events. A stream named again later
    /// in the batch is checked against, and numbered after, what its earlier parts reached, as
    /// if the parts were appended one after another. Caller holds `lock`.
    private func eventEntries(for requests: [StreamAppend], after: inout [String: StreamHead]) throws(EventStoreError) -> [LogEntry] {
        var entries: [LogEntry] = []
        entries.reserveCapacity(requests.reduce(0) { $0 + $1.events.count })
        for request in requests {
            let name = request.stream.rawValue
            if let slot = after.index(forKey: name) {
                // Named earlier in the batch: numbered after what the earlier parts reached.
                try Self.number(request, head: &after.values[slot], into: &entries)
            } else {
                var head = decidedHead(name)
                try Self.number(request, head: &head, into: &entries)
                after[name] = head
            }
        }
        return entries
    }

    /// Checks `request` against `head` (the stream's head before it), appends its entries, and
    /// leaves `head` where they take it.
    private static func number(_ request: StreamAppend, head: inout StreamHead, into entries: inout [LogEntry]) throws(EventStoreError) {
        precondition(!request.events.isEmpty, "validate refuses a stream without events")
        if head.tombstoned { throw .streamTombstoned(request.stream) }
        guard request.expectedVersion.accepts(actual: head.liveVersion) else {
            throw .wrongExpectedVersion(stream: request.stream, expected: request.expectedVersion, actual: head.liveVersion)
        }
        let name = request.stream.rawValue
        for event in request.events {
            let version = head.nextVersion
            entries.append(LogEntry(stream: name, eventType: event.type, streamVersion: version,
                                    eventID: event.id.eventID, timestamp: event.timestampNanoseconds,
                                    tags: event.tags, metadata: event.metadata, payload: event.data))
            head.lastVersion = version
        }
    }

    /// The control record that deletes `stream`, if its version is as expected. Caller holds `lock`.
    private func deletion(_ request: DeletionRequest, after: inout [String: StreamHead]) throws(EventStoreError) -> LogEntry {
        let (stream, expected, hard) = (request.stream, request.expectedVersion, request.hard)
        var head = decidedHead(stream.rawValue)
        if head.tombstoned { throw .streamTombstoned(stream) }
        let actual = head.liveVersion
        guard expected.accepts(actual: actual), hard || actual != nil else {
            if !hard && head.isSoftDeleted { throw .streamDeleted(stream) }
            throw .wrongExpectedVersion(stream: stream, expected: expected, actual: actual)
        }
        if let source = request.copying, source.truncateBefore != head.nextVersion {
            // A copy whose stream is elsewhere than the source's was: refuse rather than diverge.
            throw .invalidArgument("the \(source.kind) deletion of stream \(stream) at source position \(source.position) was made when the stream's next version was \(source.truncateBefore); here it is \(head.nextVersion)")
        }
        let control: ControlRecord = hard ? .tombstone : .softDelete(truncateBefore: head.nextVersion)
        var entry = control.entry(stream: stream, nextVersion: head.nextVersion)
        if let source = request.copying {
            entry.eventID = source.id.eventID
            entry.timestamp = source.timestampNanoseconds
        }
        head.apply(IndexedRecord(position: .first, timestamp: 0, entry: entry))
        after[stream.rawValue] = head
        return entry
    }

    /// Checks what can be checked before the commit thread, and returns the batch's ids.
    private static func validate(_ requests: [StreamAppend]) throws(EventStoreError) -> [EventID] {
        guard !requests.isEmpty else { throw .invalidArgument("an append needs at least one stream") }
        var ids: [EventID] = []
        ids.reserveCapacity(requests.reduce(0) { $0 + $1.events.count })
        for request in requests {
            try request.stream.validate()
            guard !request.events.isEmpty else { throw .invalidArgument(.init("an append needs at least one event for each stream it names", stream: request.stream)) }
            for event in request.events {
                guard event.type.utf8.count <= 1024 else { throw .invalidArgument(.init("event type \(event.type.prefix(40))… exceeds 1024 bytes", stream: request.stream, eventID: event.id)) }
                if !event.tags.isEmpty { try EventTags.validate(event.tags, stream: request.stream, eventID: event.id) }
                ids.append(event.id.eventID)
            }
        }
        if ids.count > 1 {
            // The id table rather than a Set: no per-id SipHash on every large batch.
            var seen = EventIDTable(capacity: ids.count)
            for id in ids {
                guard seen[id] == nil else {
                    throw .invalidArgument(.init("an event id appears twice in one append", eventID: UUID(id)))
                }
                seen.insert(id, at: .first)
            }
            precondition(seen.count == ids.count, "every id was inserted once")
        }
        return ids
    }
}

extension StoreEngine {
    /// The original result of a batch whose ids are all stored: checked exactly against the
    /// stored records (same id, same stream), from which positions and versions are read.
    func replayResult(_ requests: [StreamAppend], ids: [EventID]) throws(EventStoreError) -> MultiAppendResult {
        let positions: [LogPosition] = try lock.withLock { () throws(EventStoreError) -> [LogPosition] in
            var found: [LogPosition] = []
            for id in ids {
                guard let position = position(of: id) else {
                    throw .idempotencyConflict(.init("the event was being appended by a batch that failed; send the batch again", eventID: UUID(id)))
                }
                found.append(position)
            }
            return found
        }
        let records = try records(at: Array(Set(positions)).sorted()) { _ in true }
        var byPosition: [LogPosition: LogRecord] = [:]
        for record in records { byPosition[record.position] = record }
        var events: [AppendedEvent] = []
        events.reserveCapacity(ids.count)
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
                    throw .idempotencyConflict(.init("the event is stored in stream \(record.stream), not in this one", stream: request.stream, eventID: event.id, position: position))
                }
                events.append(AppendedEvent(stream: request.stream, position: position,
                                            streamVersion: record.streamVersion, timestampNanoseconds: record.timestamp))
            }
        }
        return MultiAppendResult(events: events, isReplay: true)
    }
}
