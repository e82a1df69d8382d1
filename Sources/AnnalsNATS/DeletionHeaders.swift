import CNATS
public import Annals
import AnnalsLog
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a stream deletion travels as a JetStream message (docs/SCALEOUT.md, "Deletions"): on
/// the subject of its stream, `<prefix>.<SubjectToken(stream)>`, with an empty payload and
/// these headers:
///
/// | Header | Value |
/// |---|---|
/// | `Nats-Msg-Id` | `deletion-` and the deletion record's id, lower-case UUID text |
/// | `Nats-Expected-Last-Sequence` | as for an event |
/// | `Annals-Control` | `soft-delete` or `tombstone` |
/// | `Annals-Position` | the deletion record's log position, decimal |
/// | `Annals-Stream` | the stream name, `SubjectToken`-encoded |
/// | `Annals-Truncate-Before` | the stream's next version when it was deleted, decimal |
/// | `Annals-Timestamp` | the commit time, nanoseconds since 1970 UTC, decimal |
///
/// The message id is deterministic: the record's id is stored in the log (and kept by a
/// restore), so every resend of one deletion carries the same id. It is unique: record ids are
/// UUIDv7s, and the `deletion-` prefix keeps it apart from every event id, even one a client
/// chose to equal it.
public enum DeletionHeaders {
    static let messageIDPrefix = "deletion-"
    static let softDelete = "soft-delete"
    static let tombstone = "tombstone"

    /// The `Nats-Msg-Id` of the message carrying `deletion`.
    public static func messageID(of deletion: StreamDeletion) -> String {
        messageIDPrefix + deletion.id.uuidString.lowercased()
    }

    /// A message for `deletion`, expecting the JetStream stream's last sequence to be `expectedLastSequence`.
    static func message(for deletion: StreamDeletion, prefix: String, expectedLastSequence: UInt64) throws(ReplicationError) -> OpaquePointer {
        let headers: [(String, String)] = [
            (EventHeaders.messageID, messageID(of: deletion)),
            (EventHeaders.expectedLastSequence, String(expectedLastSequence)),
            (EventHeaders.control, deletion.kind == .soft ? softDelete : tombstone),
            (EventHeaders.position, String(deletion.position.rawValue)),
            (EventHeaders.stream, SubjectToken.encode(deletion.stream.rawValue)),
            (EventHeaders.truncateBefore, String(deletion.truncateBefore)),
            (EventHeaders.timestamp, String(deletion.timestampNanoseconds)),
        ]
        return try EventHeaders.message(subject: EventHeaders.subject(prefix: prefix, stream: deletion.stream), payload: [], headers: headers)
    }

    /// Decodes a deletion message stored at `sequence`.
    static func deletion(from message: OpaquePointer, sequence: UInt64) throws(ReplicationError) -> StreamDeletion {
        let kind: StreamDeletion.Kind
        switch try EventHeaders.required(message, EventHeaders.control, sequence: sequence) {
        case softDelete: kind = .soft
        case tombstone: kind = .hard
        case let other: throw .invalidMessage(sequence: sequence, reason: "\(EventHeaders.control) \(other) is neither \(softDelete) nor \(tombstone)")
        }
        let messageID = try EventHeaders.required(message, EventHeaders.messageID, sequence: sequence)
        guard messageID.hasPrefix(messageIDPrefix), let id = UUID(uuidString: String(messageID.dropFirst(messageIDPrefix.count))) else {
            throw .invalidMessage(sequence: sequence, reason: "\(EventHeaders.messageID) of a deletion is not \(messageIDPrefix)<UUID>")
        }
        guard let streamName = SubjectToken.decode(try EventHeaders.required(message, EventHeaders.stream, sequence: sequence)),
              !streamName.isEmpty else {
            throw .invalidMessage(sequence: sequence, reason: "\(EventHeaders.stream) is not an encoded stream name")
        }
        let position = try EventHeaders.number(message, EventHeaders.position, UInt64.self, sequence: sequence)
        guard position > 0 else { throw .invalidMessage(sequence: sequence, reason: "\(EventHeaders.position) is 0") }
        guard natsMsg_GetDataLength(message) == 0 else {
            throw .invalidMessage(sequence: sequence, reason: "a deletion carries no payload")
        }
        return StreamDeletion(
            position: LogPosition(rawValue: position), stream: StreamName(streamName), kind: kind,
            truncateBefore: try EventHeaders.number(message, EventHeaders.truncateBefore, UInt64.self, sequence: sequence),
            timestampNanoseconds: try EventHeaders.number(message, EventHeaders.timestamp, Int64.self, sequence: sequence), id: id)
    }
}
