public import AnnalsLog

/// A read model that a `ProjectionRunner` keeps up to date from the log.
///
/// The projection owns its checkpoint, so that it can store it in the same transaction as the
/// read model's rows (as `SQLiteProjection` does): then each event's effect is applied exactly
/// once, even across a crash. A projection that cannot do that gets at-least-once delivery and
/// should make `apply` idempotent.
///
/// Its methods throw ``Failure``: a projection with a closed error type declares it
/// (`func apply(…) async throws(MyModelError)`), and a `ProjectionRunner` hands it back inside
/// ``ProjectionRunnerError/projection(_:)``. A projection whose methods are plain `throws`
/// gets `Failure == any Error`.
public protocol Projection: Sendable {
    /// The error the projection's methods throw.
    associatedtype Failure: Error = any Error

    /// The last log position whose effect is in the read model, or nil before any.
    func checkpoint() async throws(Failure) -> LogPosition?

    /// Applies `events` in order and records `through` as the checkpoint, atomically where the
    /// read model allows. `through` is at or after the last event's position: it can be later
    /// when the positions after that event held nothing the runner's filter passes. `events`
    /// can be empty (only the checkpoint moves).
    func apply(_ events: [RecordedEvent], through: LogPosition) async throws(Failure)

    /// Drops the read model and its checkpoint, so that the next run rebuilds it from the start.
    func reset() async throws(Failure)
}

/// Why a `ProjectionRunner` stopped: the store failed, or the projection did.
public enum ProjectionRunnerError<Failure: Error>: Error {
    /// Reading or subscribing to the store failed.
    case store(EventStoreError)
    /// The projection's own method failed with its own error.
    case projection(Failure)
}

extension ProjectionRunnerError: CustomStringConvertible {
    /// Which side failed, then its error.
    public var description: String {
        switch self {
        case .store(let error): "event store: \(error)"
        case .projection(let error): "projection: \(error)"
        }
    }
}

/// Where a projection stands against the log.
public struct ProjectionStatus: Sendable, Equatable {
    /// The projection's durable checkpoint (nil before any event).
    public var checkpoint: LogPosition?
    /// The log's last committed position (nil while the log is empty).
    public var head: LogPosition?

    /// A status at `checkpoint`, against the log's `head`.
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
