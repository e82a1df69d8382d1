public import AnnalsLog

/// A read model that a `ProjectionRunner` keeps up to date from the log.
///
/// The projection owns its checkpoint, so that it can store it in the same transaction as the
/// read model's rows (as `SQLiteProjection` does): then each event's effect is applied exactly
/// once, even across a crash. A projection that cannot do that gets at-least-once delivery and
/// should make `apply` idempotent.
public protocol Projection: Sendable {
    /// The last log position whose effect is in the read model, or nil before any.
    func checkpoint() async throws -> LogPosition?

    /// Applies `events` in order and records `through` as the checkpoint, atomically where the
    /// read model allows. `through` is at or after the last event's position: it can be later
    /// when the positions after that event held nothing the runner's filter passes. `events`
    /// can be empty (only the checkpoint moves).
    func apply(_ events: [RecordedEvent], through: LogPosition) async throws

    /// Drops the read model and its checkpoint, so that the next run rebuilds it from the start.
    func reset() async throws
}

/// Where a projection stands against the log.
public struct ProjectionStatus: Sendable, Equatable {
    /// The projection's durable checkpoint (nil before any event).
    public var checkpoint: LogPosition?
    /// The log's last committed position (nil while the log is empty).
    public var head: LogPosition?

    public init(checkpoint: LogPosition?, head: LogPosition?) {
        self.checkpoint = checkpoint
        self.head = head
    }

    /// How many log positions the projection is behind the head (positions its filter skips
    /// count until the runner has scanned past them).
    public var lag: UInt64 {
        let head = self.head?.rawValue ?? 0
        let done = checkpoint?.rawValue ?? 0
        return head > done ? head - done : 0
    }
}
