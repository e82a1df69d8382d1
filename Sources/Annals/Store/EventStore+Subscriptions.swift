public import AnnalsLog
import Synchronization

extension EventStore {
    /// Subscribes to events passing `filter`, from `start`: history first, then live appends,
    /// with no gap and no duplicate between them. See `Subscription`.
    public func subscribe(from start: SubscriptionStart = .end, filter: EventFilter = .all) throws(EventStoreError) -> Subscription {
        Subscription(engine: engine, start: try startPosition(start), filter: filter)
    }

    /// Saves `position` (the last one the consumer finished with) as the durable checkpoint
    /// `name`; `subscribe(from: .checkpoint(name))` resumes after it, even after a restart.
    /// ``checkpoint(named:)`` reads it back.
    public func saveCheckpoint(named name: String, position: LogPosition) async throws(EventStoreError) {
        try engine.checkWritable("save a checkpoint")
        let checkpoints = self.checkpoints
        try await BlockingExecutor.shared.run { () throws(EventStoreError) in
            do throws(LogError) { try checkpoints.save(position, named: name) } catch { throw EventStoreError(error) }
        }
    }

    /// The position last saved under `name` by ``saveCheckpoint(named:position:)``, if any.
    public func checkpoint(named name: String) -> LogPosition? {
        checkpoints.position(named: name)
    }
}

extension EventStore {
    /// The first position a subscription from `start` reads (the store must be open).
    func startPosition(_ start: SubscriptionStart) throws(EventStoreError) -> LogPosition {
        try engine.lock.withLock { () throws(EventStoreError) in try engine.checkOpen() }
        // A read-only store learns where the writer is, without indexing: a subscription reads
        // by position, so a process that only subscribes never builds the stream index.
        if engine.isReadOnly { try engine.follow(indexing: false) }
        switch start {
        case .start: return .first
        case .end: return LogPosition(engine.visibleEnd.load(ordering: .acquiring))
        case .position(let given): return max(given, .first)
        case .checkpoint(let name): return checkpoints.position(named: name).map { $0.advanced(by: 1) } ?? .first
        }
    }
}
