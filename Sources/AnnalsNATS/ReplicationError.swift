public import Annals
public import AnnalsLog

/// Every way replication, restore or a replicated append can fail. Each case says what was
/// being done, so a command can print it as is.
public enum ReplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No server of the list answered within the connect timeout.
    case unreachable(servers: [String], reason: String)
    /// The JetStream stream does not exist (restore never creates one).
    case streamMissing(String)
    /// The JetStream stream holds events of another store, or events this store does not have.
    case foreignStream(String)
    /// A JetStream message lacks an Annals header or holds a bad one.
    case invalidMessage(sequence: UInt64, reason: String)
    /// The restored store cannot reproduce the source's positions (see docs/SCALEOUT.md).
    case positionMismatch(String)
    /// The cluster did not acknowledge `position` within the time allowed; the event is stored
    /// locally and will still be replicated when the cluster recovers.
    case notAcknowledged(position: LogPosition, reason: String)
    /// An operation did not finish in time.
    case timeout(String)
    /// A NATS call failed: the operation, libnats' status text, and the JetStream error code if any.
    case nats(operation: String, status: String, errorCode: Int)
    /// The local event store failed.
    case store(EventStoreError)
    /// The replicator or restorer was stopped.
    case stopped
    /// A setting is out of range.
    case invalidArgument(String)

    /// What failed, in one line a command can print.
    public var description: String {
        switch self {
        case .unreachable(let servers, let reason):
            "cannot reach NATS at \(servers.joined(separator: ",")): \(reason)"
        case .streamMissing(let name): "JetStream stream \(name) does not exist"
        case .foreignStream(let message): "JetStream stream holds another store's events: \(message)"
        case .invalidMessage(let sequence, let reason): "JetStream message \(sequence) is not an Annals event: \(reason)"
        case .positionMismatch(let message): "restore cannot reproduce the source positions: \(message)"
        case .notAcknowledged(let position, let reason):
            "event at position \(position) is stored locally but the cluster did not acknowledge it: \(reason)"
        case .timeout(let message): "timed out: \(message)"
        case .nats(let operation, let status, let code):
            code == 0 ? "\(operation) failed: \(status)" : "\(operation) failed: \(status) (JetStream error \(code))"
        case .store(let error): "event store: \(error)"
        case .stopped: "stopped"
        case .invalidArgument(let message): "invalid argument: \(message)"
        }
    }
}
