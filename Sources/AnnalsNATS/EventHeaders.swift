import CNATS
public import Annals
import AnnalsLog
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How an event travels as a JetStream message (docs/SCALEOUT.md, "Messages"): the subject is
/// `<prefix>.<SubjectToken(stream)>`, the payload is the event's data byte for byte, and the
/// rest of the event is in headers:
///
/// | Header | Value |
/// |---|---|
/// | `Nats-Msg-Id` | the event id, lower-case UUID text |
/// | `Nats-Expected-Last-Sequence` | the stream sequence the publish expects to follow (0 for the first) |
/// | `Annals-Position` | the event's log position, decimal |
/// | `Annals-Stream` | the stream name, `SubjectToken`-encoded |
/// | `Annals-Version` | the event's version in its stream, decimal |
/// | `Annals-Type` | the event type, `SubjectToken`-encoded |
/// | `Annals-Timestamp` | the commit time, nanoseconds since 1970 UTC, decimal |
/// | `Annals-Metadata` | the metadata bytes, standard base64 (absent when empty) |
/// | `Annals-Tags` | the tags in order, each `SubjectToken`-encoded, joined by `.` (absent when none) |
///
/// A stream deletion is a message too (`DeletionHeaders`), on the subject of its stream.
public enum EventHeaders {
    static let messageID = "Nats-Msg-Id"
    static let expectedLastSequence = "Nats-Expected-Last-Sequence"
    static let position = "Annals-Position"
    static let stream = "Annals-Stream"
    static let version = "Annals-Version"
    static let type = "Annals-Type"
    static let timestamp = "Annals-Timestamp"
    static let metadata = "Annals-Metadata"
    static let tags = "Annals-Tags"
    static let control = "Annals-Control"
    static let truncateBefore = "Annals-Truncate-Before"

    /// The subject an event of `stream` is published to.
    public static func subject(prefix: String, stream: StreamName) -> String {
        prefix + "." + SubjectToken.encode(stream.rawValue)
    }

    /// A message for `change` (an event, or a deletion as `DeletionHeaders` describes), expecting
    /// the JetStream stream's last sequence to be `expectedLastSequence`. The caller owns the
    /// message (`natsMsg_Destroy`, or hands it to a publish call).
    static func message(for change: StoreChange, prefix: String, expectedLastSequence: UInt64) throws(ReplicationError) -> OpaquePointer {
        switch change {
        case .event(let event): try message(for: event, prefix: prefix, expectedLastSequence: expectedLastSequence)
        case .deletion(let deletion): try DeletionHeaders.message(for: deletion, prefix: prefix, expectedLastSequence: expectedLastSequence)
        }
    }

    /// A message for `event`, expecting the JetStream stream's last sequence to be `expectedLastSequence`.
    static func message(for event: RecordedEvent, prefix: String, expectedLastSequence: UInt64) throws(ReplicationError) -> OpaquePointer {
        var headers: [(String, String)] = [
            (Self.messageID, event.id.uuidString.lowercased()),
            (Self.expectedLastSequence, String(expectedLastSequence)),
            (Self.position, String(event.position.rawValue)),
            (Self.stream, SubjectToken.encode(event.stream.rawValue)),
            (Self.version, String(event.version)),
            (Self.type, SubjectToken.encode(event.type)),
            (Self.timestamp, String(event.timestampNanoseconds)),
        ]
        if !event.metadata.isEmpty { headers.append((Self.metadata, Data(event.metadata).base64EncodedString())) }
        // A token never holds `.`, so it separates them; a tag is never empty, so neither is a token.
        if !event.tags.isEmpty { headers.append((Self.tags, event.tags.map(SubjectToken.encode).joined(separator: "."))) }
        return try message(subject: subject(prefix: prefix, stream: event.stream), payload: event.data, headers: headers)
    }

    /// A message on `subject` carrying `payload` and `headers`.
    static func message(subject: String, payload: [UInt8], headers: [(String, String)]) throws(ReplicationError) -> OpaquePointer {
        NATSLibrary.open()
        var message: OpaquePointer?
        let created = payload.withUnsafeBufferPointer { data in
            data.withMemoryRebound(to: CChar.self) { natsMsg_Create(&message, subject, nil, $0.baseAddress, Int32($0.count)) }
        }
        try NATSConnection.check(created, "natsMsg_Create")
        guard let message else { preconditionFailure("natsMsg_Create succeeded without a message") }
        for (key, value) in headers {
            let status = natsMsgHeader_Set(message, key, value)
            guard status == NATS_OK else {
                natsMsg_Destroy(message)
                throw .nats(operation: "natsMsgHeader_Set \(key)", status: NATSConnection.lastErrorText(status), errorCode: 0)
            }
        }
        return message
    }

    /// The value of header `key`, or nil when absent.
    static func header(_ message: OpaquePointer, _ key: String) -> String? {
        var value: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, key, &value) == NATS_OK, let value else { return nil }
        return String(cString: value)
    }

    /// The value of header `key`; throws `.invalidMessage` when absent.
    static func required(_ message: OpaquePointer, _ key: String, sequence: UInt64) throws(ReplicationError) -> String {
        guard let value = header(message, key) else { throw .invalidMessage(sequence: sequence, reason: "no \(key) header") }
        return value
    }

    /// Header `key` as a decimal number; throws `.invalidMessage` when absent or not a number.
    static func number<Value: FixedWidthInteger>(_ message: OpaquePointer, _ key: String, _: Value.Type, sequence: UInt64) throws(ReplicationError) -> Value {
        guard let value = Value(try required(message, key, sequence: sequence)) else {
            throw .invalidMessage(sequence: sequence, reason: "\(key) is not a number")
        }
        return value
    }

    /// Decodes a message stored at `sequence` back into the change it carries: a deletion when
    /// it has an `Annals-Control` header, an event otherwise.
    static func change(from message: OpaquePointer, sequence: UInt64) throws(ReplicationError) -> ReplicatedChange {
        if header(message, Self.control) != nil {
            return .deletion(try DeletionHeaders.deletion(from: message, sequence: sequence), sequence: sequence)
        }
        return .event(try event(from: message, sequence: sequence))
    }

    /// Decodes a message stored at `sequence` back into the event it carries.
    static func event(from message: OpaquePointer, sequence: UInt64) throws(ReplicationError) -> ReplicatedEvent {
        func required(_ key: String) throws(ReplicationError) -> String {
            try EventHeaders.required(message, key, sequence: sequence)
        }
        func number<Value: FixedWidthInteger>(_ key: String, _ type: Value.Type) throws(ReplicationError) -> Value {
            try EventHeaders.number(message, key, type, sequence: sequence)
        }
        guard let id = UUID(uuidString: try required(Self.messageID)) else {
            throw .invalidMessage(sequence: sequence, reason: "\(Self.messageID) is not a UUID")
        }
        guard let streamName = SubjectToken.decode(try required(Self.stream)), !streamName.isEmpty else {
            throw .invalidMessage(sequence: sequence, reason: "\(Self.stream) is not an encoded stream name")
        }
        guard let eventType = SubjectToken.decode(try required(Self.type)) else {
            throw .invalidMessage(sequence: sequence, reason: "\(Self.type) is not an encoded event type")
        }
        var metadataBytes: [UInt8] = []
        if let encoded = header(message, Self.metadata) {
            guard let decoded = Data(base64Encoded: encoded) else {
                throw .invalidMessage(sequence: sequence, reason: "\(Self.metadata) is not base64")
            }
            metadataBytes = Array(decoded)
        }
        var tagList: [String] = []
        if let encoded = header(message, Self.tags) {
            for token in encoded.split(separator: ".", omittingEmptySubsequences: false) {
                guard let tag = SubjectToken.decode(String(token)), !tag.isEmpty else {
                    throw .invalidMessage(sequence: sequence, reason: "\(Self.tags) holds a token that is not an encoded tag")
                }
                tagList.append(tag)
            }
        }
        let logPosition = try number(Self.position, UInt64.self)
        guard logPosition > 0 else { throw .invalidMessage(sequence: sequence, reason: "\(Self.position) is 0") }
        var data: [UInt8] = []
        let length = Int(natsMsg_GetDataLength(message))
        if length > 0, let bytes = natsMsg_GetData(message) {
            data = bytes.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        }
        return ReplicatedEvent(
            sequence: sequence, position: LogPosition(rawValue: logPosition), stream: StreamName(streamName),
            version: try number(Self.version, UInt64.self), id: id, type: eventType,
            timestampNanoseconds: try number(Self.timestamp, Int64.self), data: data, metadata: metadataBytes, tags: tagList)
    }
}
