#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Annals
import AnnalsLog
public import Logging
import Dispatch

/// Builds a store from a JetStream stream that a `Replicator` filled, and keeps it following
/// (a read replica on another node).
///
/// The restored store holds the same events and stream deletions at the same positions, with
/// the same ids, streams, versions, types, data, metadata and timestamps (to the nanosecond).
/// Where to resume is read from the restored store itself: its last change is looked up in the
/// JetStream stream (by bisection over sequences) and compared, so a restart, a crash
/// or a redelivery never applies a change twice, and a store of other origin is refused.
///
/// It is a swift-service-lifecycle `Service`: `run()` follows until graceful shutdown.
public final class Restorer: Sendable {
    /// The store being restored into.
    public let store: EventStore
    /// The cluster and stream it restores from.
    public let configuration: ReplicationConfiguration
    let logger: Logger
    /// Events per store append (one atomic batch).
    static let batchEventsMax = 512
    /// Bytes of data and metadata per store append, beyond which a batch is cut.
    static let batchBytesMax = 4 << 20

    /// A restorer into `store` from the cluster and stream `configuration` names, logging to `logger`.
    public init(store: EventStore, configuration: ReplicationConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Restores every change (event or deletion) the JetStream stream holds now, then returns.
    public func catchUp() async throws(ReplicationError) -> ReplicationSummary { try await run(follow: false) }

    /// Restores, then keeps applying new changes until the task is cancelled. Cancellation
    /// stops it between two store appends (each one atomic batch), so the store holds a prefix
    /// of the stream; the summary says how far it got, and the next run resumes after it.
    @discardableResult
    public func follow() async throws(ReplicationError) -> ReplicationSummary { try await run(follow: true) }

    struct Cursor: Sendable {
        /// The restored store's last position (beforeFirst when empty).
        var position: LogPosition
        /// The JetStream sequence of that change (0 when none).
        var sequence: UInt64
        /// Changes (events and deletions) applied by this run.
        var restored: UInt64 = 0
    }

    private func run(follow: Bool) async throws(ReplicationError) -> ReplicationSummary {
        try configuration.validate()
        let configuration = self.configuration
        let name = configuration.streamName
        let connection = try await NATSBlocking.run { () throws(ReplicationError) in
            try NATSConnection.connect(servers: configuration.servers, name: "annals-restore \(name)",
                                       connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds,
                                       requestTimeoutMilliseconds: configuration.requestTimeoutMilliseconds)
        }
        defer { connection.close() }
        var cursor: Cursor?
        var target: UInt64 = 0
        var backoff = configuration.backoffMinimumMilliseconds
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        while !Task.isCancelled {
            do throws(ReplicationError) {
                let state = try await NATSBlocking.run { () throws(ReplicationError) in
                    guard let state = try connection.streamState(name) else { throw .streamMissing(name) }
                    return state
                }
                guard let subject = state.subjects.first, state.subjects.count == 1 else {
                    throw .foreignStream(.init("it has subjects \(state.subjects), not one Annals subject filter", jetStreamName: name))
                }
                if cursor == nil {
                    cursor = try await resumePoint(connection, state: state)
                    target = state.lastSequence
                }
                var current = cursor!
                defer { cursor = current }
                if !follow && current.sequence >= target { break }
                try await consume(connection, subject: subject, cursor: &current, until: follow ? nil : target, lastProgress: &lastProgress)
                break
            } catch {
                if Replicator.isFatal(error) { throw error }
                // Cancelled (a graceful shutdown, for a Service) during a retryable failure:
                // what was applied is in the store; stop as if the failure had not happened.
                if Task.isCancelled { break }
                let waited = Int64((DispatchTime.now().uptimeNanoseconds - lastProgress) / 1_000_000)
                if !follow && waited > configuration.stallTimeoutMilliseconds {
                    throw .timeout(.init("no progress restoring (last error: \(error))", jetStreamName: name,
                                         position: cursor?.position, waitedMilliseconds: waited))
                }
                logger.warning("restore failed, retrying in \(backoff) ms: \(error)")
                try? await Task.sleep(nanoseconds: UInt64(backoff) * 1_000_000)
                backoff = min(backoff * 2, configuration.backoffMaximumMilliseconds)
            }
        }
        return summary(cursor ?? Cursor(position: .beforeFirst, sequence: 0))
    }

    /// Applies messages (events and deletions) from an ordered consumer started after the
    /// cursor, until the cursor reaches `target` (nil: until cancelled). Throws on a failure,
    /// with the cursor at the last change applied.
    private func consume(
        _ connection: NATSConnection, subject: String, cursor: inout Cursor, until target: UInt64?, lastProgress: inout UInt64
    ) async throws(ReplicationError) {
        let name = configuration.streamName
        let startSequence = cursor.sequence + 1
        let subscription = try await NATSBlocking.run { () throws(ReplicationError) in
            try OrderedSubscription(connection, stream: name, subject: subject, startSequence: startSequence)
        }
        defer { subscription.close() }
        while !Task.isCancelled {
            let batch = try await NATSBlocking.run { () throws(ReplicationError) in
                try subscription.next(limit: Self.batchEventsMax, timeoutMilliseconds: 250)
            }
            if batch.isEmpty {
                let waited = Int64((DispatchTime.now().uptimeNanoseconds - lastProgress) / 1_000_000)
                if let target, waited > configuration.stallTimeoutMilliseconds {
                    throw .timeout(.init("no message, restored up to sequence \(cursor.sequence) of \(target)", jetStreamName: name,
                                         sequence: cursor.sequence, position: cursor.position, waitedMilliseconds: waited))
                }
                continue
            }
            lastProgress = DispatchTime.now().uptimeNanoseconds
            try await apply(batch, cursor: &cursor)
            if let target, cursor.sequence >= target { return }
        }
    }

    private func summary(_ cursor: Cursor) -> ReplicationSummary {
        ReplicationSummary(replicated: cursor.restored, lastPosition: cursor.position.rawValue, jetStreamSequence: cursor.sequence)
    }

    /// Finds the restored store's last change (event or deletion) in the stream and checks it
    /// is the same record; an empty store starts at the stream's first message, which must
    /// carry position 1. A deletion as the last change is found like an event (its message
    /// carries its position), so a restore resumed after one never applies it twice.
    private func resumePoint(_ connection: NATSConnection, state: JetStreamState) async throws(ReplicationError) -> Cursor {
        let name = configuration.streamName
        guard let local = try store.reader.lastChange() else {
            return Cursor(position: .beforeFirst, sequence: state.firstSequence > 0 ? state.firstSequence - 1 : 0)
        }
        let position = local.position.rawValue
        let found = try await NATSBlocking.run { () throws(ReplicationError) -> ReplicatedChange? in
            guard let sequence = try connection.sequence(stream: name, of: position, in: state) else { return nil }
            return try connection.change(stream: name, sequence: sequence)
        }
        guard let found, found.carries(local) else {
            throw .foreignStream(.init("this store's last change is \(local.summary); the JetStream stream has \(found?.summary ?? "nothing") there",
                                       jetStreamName: name, sequence: found?.sequence, position: local.position))
        }
        return Cursor(position: local.position, sequence: found.sequence)
    }
}
