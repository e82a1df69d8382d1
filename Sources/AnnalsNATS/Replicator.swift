public import Annals
public import AnnalsLog
public import Logging
import Dispatch

/// Replicates a store into a JetStream stream, exactly once and in log order
/// (docs/SCALEOUT.md).
///
/// ```swift
/// let replicator = Replicator(store: store, configuration: ReplicationConfiguration(
///     servers: ["nats://10.0.0.1:4222", "nats://10.0.0.2:4222"], streamName: "ORDERS"), logger: logger)
/// let summary = try await replicator.catchUp()      // until every event so far is in the cluster
/// try await replicator.follow()                     // or: keep replicating until cancelled
/// ```
///
/// Where to start is read from the cluster, not trusted from a local file: each run (and each
/// recovery from a failure) reads the JetStream stream's last message and resumes after the
/// log position it carries. Each publish expects the stream's previous sequence, so a resend
/// can never be stored twice, however long the replicator was down. The local checkpoint
/// (`checkpointName`) is only a hint, compared with the cluster to warn when the stream lost
/// events it had acknowledged.
public final class Replicator: Sendable {
    /// The store being replicated.
    public let store: EventStore
    /// Where and how it replicates.
    public let configuration: ReplicationConfiguration
    let logger: Logger
    let progress = ReplicationProgress()

    /// The store checkpoint where the last acknowledged position is saved (a hint only).
    public var checkpointName: String { "annals-nats.replicate.\(configuration.streamName)" }

    /// A replicator of `store` into the cluster and stream `configuration` names, logging to `logger`.
    public init(store: EventStore, configuration: ReplicationConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Replicates every event and deletion the store holds now, then returns. Fails with
    /// `.timeout` when the cluster makes no progress for `stallTimeoutMilliseconds`.
    public func catchUp() async throws(ReplicationError) -> ReplicationSummary {
        let target = try await lastStorePosition()
        return try await run(target: target ?? .beforeFirst)
    }

    /// Replicates until the task is cancelled, retrying with backoff through any failure of the
    /// cluster except a fatal one (another store's stream, a bad message).
    @discardableResult
    public func follow() async throws(ReplicationError) -> ReplicationSummary {
        try await run(target: nil)
    }

    /// Returns once the cluster has acknowledged every event and deletion up to `position`; throws
    /// `.notAcknowledged` after `timeout`. The replicator must be running (`follow`).
    public func waitUntilAcknowledged(_ position: LogPosition, timeout: Duration) async throws(ReplicationError) {
        try await progress.waitUntilAcknowledged(position, timeoutNanoseconds: Self.nanoseconds(timeout))
    }

    /// Where replication stands: what the cluster holds, and how far the store is ahead.
    public func status() async -> ReplicationStatus {
        let state = progress.current
        let storePosition = try? await lastStorePosition()
        let acknowledged = state.position == .beforeFirst ? nil : state.position
        var lag: UInt64 = 0
        if let storePosition, storePosition > state.position { lag = storePosition.rawValue - state.position.rawValue }
        return ReplicationStatus(acknowledgedPosition: acknowledged, jetStreamSequence: state.sequence,
                                 storePosition: storePosition, lagPositions: lag, published: state.published,
                                 lastError: state.lastFailure.map { "\($0)" })
    }

    /// The position of the store's last change (event or deletion), or nil when it holds none.
    func lastStorePosition() async throws(ReplicationError) -> LogPosition? {
        try store.reader.lastChange()?.position
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let whole = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if whole.overflow { return .max }
        return whole.partialValue &+ UInt64(attoseconds / 1_000_000_000)
    }
}

/// What a replication or restore run did; `annals replicate` and `annals restore` print it as
/// `{"replicated": N, "lastPosition": P, "jsSequence": S}`.
public struct ReplicationSummary: Sendable, Equatable {
    /// Events and deletions this run stored (published into JetStream, or written to the restored store).
    public var replicated: UInt64
    /// The last log position JetStream (or the restored store) holds; 0 when none.
    public var lastPosition: UInt64
    /// The JetStream stream sequence of that record; 0 when none.
    public var jetStreamSequence: UInt64

    /// A summary with these counts.
    public init(replicated: UInt64, lastPosition: UInt64, jetStreamSequence: UInt64) {
        self.replicated = replicated
        self.lastPosition = lastPosition
        self.jetStreamSequence = jetStreamSequence
    }

    /// The summary as one JSON line (without the newline).
    public var jsonLine: String {
        #"{"replicated": \#(replicated), "lastPosition": \#(lastPosition), "jsSequence": \#(jetStreamSequence)}"#
    }
}

/// Where replication stands.
public struct ReplicationStatus: Sendable, Equatable {
    /// Every event and deletion up to here is in the JetStream stream (nil: none yet).
    public var acknowledgedPosition: LogPosition?
    /// The JetStream stream's last sequence, as last seen.
    public var jetStreamSequence: UInt64
    /// The store's last event or deletion (nil: the store is empty or could not be read).
    public var storePosition: LogPosition?
    /// Log positions the store is ahead of the cluster: the replication lag (0 when caught up).
    public var lagPositions: UInt64
    /// Events this replicator has published and had acknowledged.
    public var published: UInt64
    /// The last failure since the last acknowledgement, if any.
    public var lastError: String?
}
