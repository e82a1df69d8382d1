public import AnnalsLog
import Synchronization

/// The log's changes, events and deletions both, for code that copies a whole store
/// (replication, backup). See `StoreChange`.
extension EventStoreReader {
    /// Events and deletions from `position` on, in position order, at most `limit`.
    ///
    /// Consecutive changes have consecutive positions; the only gap possible is a control
    /// record of a kind this version does not know, which is skipped.
    public func readChanges(fromPosition position: LogPosition = .first, limit: Int = .max) throws(EventStoreError) -> [StoreChange] {
        try engine.followIfStale()
        let end = LogPosition(engine.visibleEnd.load(ordering: .acquiring))
        return try engine.scanChanges(from: position, end: end, maxChanges: limit).changes
    }
}

extension EventStore {
    /// See ``EventStoreReader/readChanges(fromPosition:limit:)``.
    public func readChanges(fromPosition position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [StoreChange] {
        try reader.readChanges(fromPosition: position, limit: limit)
    }

    /// Subscribes to events and deletions from `start`: history first, then live appends and
    /// deletions, with the delivery guarantee of `subscribe(from:filter:)` (no gap, no
    /// duplicate, bounded memory). `.checkpoint(name)` resumes after the named checkpoint.
    public func subscribeToChanges(from start: SubscriptionStart = .end) throws(EventStoreError) -> ChangeSubscription {
        ChangeSubscription(engine: engine, start: try startPosition(start))
    }

    /// Writes a deletion that another store recorded (a replica or restore applying the
    /// source's log): the same kind, with the source's record id and timestamp, so the copy's
    /// log, stream heads and `streams()` match the source's.
    ///
    /// Throws `.wrongExpectedVersion` when the stream's next version here differs from
    /// `deletion.truncateBefore` (the copy has diverged), and whatever `softDelete` or
    /// `hardDelete` would throw. Returns the position written: the caller compares it with
    /// `deletion.position` (the store appends at its end and does not know the source's).
    @discardableResult
    public func delete(replicating deletion: StreamDeletion) async throws(EventStoreError) -> LogPosition {
        let request = DeletionRequest(stream: deletion.stream, expectedVersion: .any, hard: deletion.kind == .hard,
                                      copying: deletion)
        return try await engine.delete(request)
    }
}

extension StoreEngine {
    /// Changes from `position` up to `end` (exclusive), stopping after `maxChanges`. Returns
    /// them and the position to go on from.
    func scanChanges(from position: LogPosition, end: LogPosition, maxChanges: Int) throws(EventStoreError) -> (changes: [StoreChange], next: LogPosition) {
        let start = max(position, .first)
        guard start < end, maxChanges > 0 else { return ([], start) }
        var changes: [StoreChange] = []
        var next = start
        let limit = Int(min(UInt64(maxChanges), end.rawValue - start.rawValue))
        do {
            try log.forEachRecord(from: start, limit: limit) { view in
                next = view.position.advanced(by: 1)
                if let change = StoreChange(view.materialize()) { changes.append(change) }
                return changes.count < maxChanges
            }
        } catch { throw EventStoreError(error) }
        precondition(changes.allSatisfy { $0.position >= start && $0.position < next }, "a scan yields only what it covered")
        return (changes, next)
    }
}
