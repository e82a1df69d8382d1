#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import Annals
public import AnnalsLog

/// Every way replication, restore or a replicated append can fail. Each case says what was
/// being done, so a command can print it as is.
///
/// Switch on the case to handle a failure, or read ``code`` for a closed set of kinds. The
/// context properties (``jetStreamName``, ``sequence``, ``position``, ``stream``, ``eventID``,
/// ``jetStreamErrorCode``) say where, whichever the case.
///
/// ```swift
/// do {
///     try await restorer.catchUp()
/// } catch {
///     // such as: positionMismatch Optional(1041) events at positions … were restored at …
///     print(error.code, error.sequence as Any, error)
/// }
/// ```
public enum ReplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No server of the list answered within the connect timeout; `reason` is libnats' status.
    case unreachable(servers: [String], reason: String)
    /// The JetStream stream of this name does not exist (restore never creates one).
    case streamMissing(String)
    /// The JetStream stream holds events of another store, or events this store does not have.
    /// The context names the JetStream stream and, where known, the sequence and position.
    case foreignStream(Context)
    /// The JetStream message at `sequence` lacks an Annals header or holds a bad one.
    case invalidMessage(sequence: UInt64, reason: String)
    /// The restored store cannot reproduce the source's positions (see docs/SCALEOUT.md). The
    /// context names the JetStream sequence, the source's position and the change concerned.
    case positionMismatch(Context)
    /// The cluster did not acknowledge `position` within the time allowed; the event is stored
    /// locally and will still be replicated when the cluster recovers.
    case notAcknowledged(position: LogPosition, reason: String)
    /// An operation did not finish in time. The context says how long was waited and, where
    /// known, the JetStream stream, sequence and position reached.
    case timeout(Context)
    /// A NATS call failed: the operation, libnats' status text, and the JetStream error code if any.
    case nats(operation: String, status: String, errorCode: Int)
    /// The local event store failed.
    case store(EventStoreError)
    /// The replicator or restorer was stopped.
    case stopped
    /// A setting is out of range. The context's message names it.
    case invalidArgument(Context)

    /// The kind of failure, one word a caller can switch on or count.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// ``ReplicationError/unreachable(servers:reason:)``.
        case unreachable
        /// ``ReplicationError/streamMissing(_:)``.
        case streamMissing
        /// ``ReplicationError/foreignStream(_:)``.
        case foreignStream
        /// ``ReplicationError/invalidMessage(sequence:reason:)``.
        case invalidMessage
        /// ``ReplicationError/positionMismatch(_:)``.
        case positionMismatch
        /// ``ReplicationError/notAcknowledged(position:reason:)``.
        case notAcknowledged
        /// ``ReplicationError/timeout(_:)``.
        case timeout
        /// ``ReplicationError/nats(operation:status:errorCode:)``.
        case nats
        /// ``ReplicationError/store(_:)``: the store's own error, whose `code` says more.
        case store
        /// ``ReplicationError/stopped``.
        case stopped
        /// ``ReplicationError/invalidArgument(_:)``.
        case invalidArgument
    }

    /// The kind of failure.
    public var code: Code {
        switch self {
        case .unreachable: .unreachable
        case .streamMissing: .streamMissing
        case .foreignStream: .foreignStream
        case .invalidMessage: .invalidMessage
        case .positionMismatch: .positionMismatch
        case .notAcknowledged: .notAcknowledged
        case .timeout: .timeout
        case .nats: .nats
        case .store: .store
        case .stopped: .stopped
        case .invalidArgument: .invalidArgument
        }
    }

    /// The context of the cases that carry one.
    var context: Context? {
        switch self {
        case .foreignStream(let context), .positionMismatch(let context), .timeout(let context), .invalidArgument(let context):
            context
        default: nil
        }
    }

    /// The JetStream stream concerned, when known.
    public var jetStreamName: String? {
        if case .streamMissing(let name) = self { return name }
        return context?.jetStreamName
    }

    /// The JetStream sequence concerned, when known.
    public var sequence: UInt64? {
        if case .invalidMessage(let sequence, _) = self { return sequence }
        return context?.sequence
    }

    /// The log position concerned, when known.
    public var position: LogPosition? {
        switch self {
        case .notAcknowledged(let position, _): position
        case .store(let error): error.position
        default: context?.position
        }
    }

    /// The Annals stream concerned, when known.
    public var stream: StreamName? {
        if case .store(let error) = self { return error.stream }
        return context?.stream
    }

    /// The event concerned, when known.
    public var eventID: UUID? {
        if case .store(let error) = self { return error.eventID }
        return context?.eventID
    }

    /// For a NATS failure that JetStream answered with an error, its code (such as 10071,
    /// wrong last sequence).
    public var jetStreamErrorCode: Int? {
        if case .nats(_, _, let code) = self, code != 0 { return code }
        return nil
    }

    /// What failed, in one line a command can print.
    public var description: String {
        switch self {
        case .unreachable(let servers, let reason):
            "cannot reach NATS at \(servers.joined(separator: ",")): \(reason)"
        case .streamMissing(let name): "JetStream stream \(name) does not exist"
        case .foreignStream(let context): "JetStream stream holds another store's events: \(context)"
        case .invalidMessage(let sequence, let reason): "JetStream message \(sequence) is not an Annals event: \(reason)"
        case .positionMismatch(let context): "restore cannot reproduce the source positions: \(context)"
        case .notAcknowledged(let position, let reason):
            "event at position \(position) is stored locally but the cluster did not acknowledge it: \(reason)"
        case .timeout(let context): "timed out: \(context)"
        case .nats(let operation, let status, let code):
            code == 0 ? "\(operation) failed: \(status)" : "\(operation) failed: \(status) (JetStream error \(code))"
        case .store(let error): "event store: \(error)"
        case .stopped: "stopped"
        case .invalidArgument(let context): "invalid argument: \(context)"
        }
    }
}
