public import Annals
public import Logging
public import AnnalsLog

/// When an append through `ReplicatedEventStore` returns.
public enum ReplicationPolicy: Sendable, Equatable {
    /// Once the local store has the events durably. They reach the cluster shortly after; if
    /// the primary's disk dies first, what the cluster had not acknowledged is lost: at most
    /// the replication lag (`Replicator.status().lagPositions`).
    case asynchronous
    /// Once the cluster has acknowledged the events too (for an R3 stream: a quorum of two
    /// servers holds them on disk). Losing the primary's disk loses no acknowledged event.
    /// When the cluster does not acknowledge in `timeout`, the append throws
    /// `.notAcknowledged`: the events are durable locally and will be replicated later, but
    /// the caller was never told they were safe in the cluster.
    case synchronous(timeout: Duration)
}

/// An event store whose appends replicate into JetStream under a `ReplicationPolicy`.
///
/// ```swift
/// let replicated = try await ReplicatedEventStore.start(
///     store: store, configuration: ReplicationConfiguration(servers: urls, streamName: "ORDERS"),
///     policy: .synchronous(timeout: .seconds(5)), logger: logger)
/// try await replicated.append(to: "order-17", [placed], expectedVersion: .noStream)  // in the cluster now
/// try await replicated.stop()
/// ```
///
/// Reads go to `store` directly. Appends and deletions made to `store` without this wrapper
/// are replicated too (the replicator tails the whole log), but nothing waits for them.
public final class ReplicatedEventStore: Sendable {
    /// The local store appends go to first.
    public let store: EventStore
    /// The replicator that publishes them into the cluster.
    public let replicator: Replicator
    /// Whether an append waits for the cluster.
    public let policy: ReplicationPolicy
    private let task: Task<ReplicationSummary, any Error>

    private init(store: EventStore, replicator: Replicator, policy: ReplicationPolicy, task: Task<ReplicationSummary, any Error>) {
        self.store = store
        self.replicator = replicator
        self.policy = policy
        self.task = task
    }

    /// Starts a replicator following `store` in the background. Fails at once when the cluster
    /// cannot be reached or the JetStream stream belongs to another store.
    public static func start(
        store: EventStore, configuration: ReplicationConfiguration, policy: ReplicationPolicy, logger: Logger
    ) async throws(ReplicationError) -> ReplicatedEventStore {
        try configuration.validate()
        let replicator = Replicator(store: store, configuration: configuration, logger: logger)
        // Check reachability and the stream's owner before returning, so a misconfiguration is
        // an error here rather than a timeout on the first append.
        _ = try await replicator.catchUp()
        let task = Task { try await replicator.follow() }
        return ReplicatedEventStore(store: store, replicator: replicator, policy: policy, task: task)
    }

    /// Appends to one stream; see `EventStore.append(to:_:expectedVersion:)` and the policy.
    /// A store failure (such as `.wrongExpectedVersion`) comes as `.store(error)`.
    @discardableResult
    public func append(to stream: StreamName, _ events: [EventData], expectedVersion: ExpectedVersion = .any) async throws(ReplicationError) -> AppendResult {
        let result: AppendResult
        do { result = try await store.append(to: stream, events, expectedVersion: expectedVersion) } catch { throw .store(error) }
        try await acknowledge(result.positions.upperBound)
        return result
    }

    /// Appends to several streams atomically; see `EventStore.append(_:)` and the policy.
    @discardableResult
    public func append(_ streams: [StreamAppend]) async throws(ReplicationError) -> MultiAppendResult {
        let result: MultiAppendResult
        do { result = try await store.append(streams) } catch { throw .store(error) }
        try await acknowledge(result.positions.upperBound)
        return result
    }

    /// Soft-deletes a stream; see `EventStore.softDelete(stream:expectedVersion:)` and the policy.
    @discardableResult
    public func softDelete(stream: StreamName, expectedVersion: ExpectedVersion = .any) async throws(ReplicationError) -> LogPosition {
        let position: LogPosition
        do { position = try await store.softDelete(stream: stream, expectedVersion: expectedVersion) } catch { throw .store(error) }
        try await acknowledge(position)
        return position
    }

    /// Hard-deletes a stream; see `EventStore.hardDelete(stream:expectedVersion:)` and the policy.
    @discardableResult
    public func hardDelete(stream: StreamName, expectedVersion: ExpectedVersion = .any) async throws(ReplicationError) -> LogPosition {
        let position: LogPosition
        do { position = try await store.hardDelete(stream: stream, expectedVersion: expectedVersion) } catch { throw .store(error) }
        try await acknowledge(position)
        return position
    }

    private func acknowledge(_ position: LogPosition) async throws(ReplicationError) {
        guard case .synchronous(let timeout) = policy else { return }
        try await replicator.waitUntilAcknowledged(position, timeout: timeout)
    }

    /// Stops the replicator (what is unacknowledged stays in the store for the next run).
    /// Does not close the store.
    public func stop() async throws {
        task.cancel()
        _ = try await task.value
    }
}
