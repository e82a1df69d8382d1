public import AnnalsLog

/// Every way an `EventStore` operation can fail.
public enum EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream's version did not match the append's expectation; nothing was written.
    /// `actual` is the stream's last live version, or nil when it has no live events.
    case wrongExpectedVersion(stream: StreamName, expected: ExpectedVersion, actual: UInt64?)
    /// The stream was soft-deleted (and not revived since): it reads as deleted.
    case streamDeleted(StreamName)
    /// The stream was hard-deleted: its name is refused forever.
    case streamTombstoned(StreamName)
    /// A batch reused some stored event ids but not all, or reused ids stored under another stream.
    case idempotencyConflict(String)
    /// The caller passed something the store cannot accept.
    case invalidArgument(String)
    /// The store was closed.
    case closed
    /// The storage core failed; the `LogError` names the file and offset.
    case storage(LogError)

    public var description: String {
        switch self {
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "wrong expected version for stream \(stream): expected \(expected), actual \(actual.map(String.init) ?? "no stream")"
        case .streamDeleted(let stream): "stream \(stream) is deleted"
        case .streamTombstoned(let stream): "stream \(stream) is hard-deleted and can never be written again"
        case .idempotencyConflict(let message): "idempotency conflict: \(message)"
        case .invalidArgument(let message): "invalid argument: \(message)"
        case .closed: "the event store is closed"
        case .storage(let error): "storage: \(error)"
        }
    }

    /// Maps a core error, keeping `.closed` distinct.
    init(_ error: LogError) {
        self = error.code == .closed ? .closed : .storage(error)
    }
}
