import AnnalsLog
/// Every way an aggregate operation can fail.
public enum AggregateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream moved on since it was loaded: its version is not the expected one, and
    /// nothing was written. Reload and decide again (`Repository.execute` does this).
    case conflict(stream: StreamName, expected: ExpectedVersion, actual: UInt64?)
    /// A stored event has a type the aggregate's event enum does not know.
    case unknownEventType(String)
    /// A stored event could not be decoded (bad JSON, or JSON of another shape).
    case undecodable(stream: StreamName, version: UInt64, eventType: String, reason: String)
    /// An event stored at an old schema version has no upcaster to the next version.
    case missingUpcaster(eventType: String, fromVersion: Int)
    /// An event was stored at a schema version newer than this code knows.
    case newerSchema(eventType: String, version: Int, current: Int)
    /// An event could not be encoded, or an upcaster failed.
    case encoding(String)
    /// The event store failed (for example `.streamDeleted`, `.closed` or a storage error).
    case store(EventStoreError)

    /// What failed, in one line.
    public var description: String {
        switch self {
        case .conflict(let stream, let expected, let actual):
            "conflict on \(stream): expected \(expected), actual \(actual.map(String.init) ?? "no stream")"
        case .unknownEventType(let type): "unknown event type \(type)"
        case .undecodable(let stream, let version, let type, let reason):
            "cannot decode \(type) at \(stream)@\(version): \(reason)"
        case .missingUpcaster(let type, let version): "no upcaster for \(type) from schema version \(version)"
        case .newerSchema(let type, let version, let current):
            "\(type) is stored at schema version \(version), newer than this code's \(current)"
        case .encoding(let message): "encoding: \(message)"
        case .store(let error): "\(error)"
        }
    }

    /// Maps a store error, turning a version mismatch into `.conflict`.
    init(_ error: EventStoreError) {
        if case .wrongExpectedVersion(let stream, let expected, let actual) = error {
            self = .conflict(stream: stream, expected: expected, actual: actual)
        } else {
            self = .store(error)
        }
    }
}
