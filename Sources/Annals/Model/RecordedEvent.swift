#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

/// An event as stored: where it is in the log and in its stream, when, and its bytes.
public struct RecordedEvent: Sendable, Equatable {
    /// The stream the event belongs to.
    public var stream: StreamName
    /// The event's version in its stream, counting from 0.
    public var version: UInt64
    /// The event's global position in the log, counting from 1.
    public var position: LogPosition
    /// When the log committed it, in nanoseconds since 1970-01-01 UTC (never decreasing along the log).
    public var timestampNanoseconds: Int64
    /// The event's id, as given to the append.
    public var id: UUID
    /// The event type, such as `OrderPlaced`.
    public var type: String
    /// The payload bytes, exactly as appended.
    public var data: [UInt8]
    /// The metadata bytes, exactly as appended.
    public var metadata: [UInt8]
    /// The event's tags, in the order appended.
    public var tags: [String]

    /// The commit time as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(timestampNanoseconds) / 1_000_000_000)
    }

    init(_ record: LogRecord) {
        stream = StreamName(record.stream)
        version = record.streamVersion
        position = record.position
        timestampNanoseconds = record.timestamp
        id = UUID(record.eventID)
        type = record.eventType
        data = record.payload
        metadata = record.metadata
        tags = record.tags
    }

    /// The event a record holds, copied out of the read buffer. `stream` is the record's own
    /// stream name: decoded by the caller, or (for a stream read, which checked it against the
    /// record's bytes) the name it asked for, so no name is decoded.
    init(_ view: RecordView, stream: StreamName) {
        self.stream = stream
        version = view.streamVersion
        position = view.position
        timestampNanoseconds = view.timestamp
        id = UUID(view.eventID)
        type = view.eventType
        data = Array(view.payloadBytes)
        metadata = Array(view.metadataBytes)
        tags = view.tagsBytes.isEmpty ? [] : view.tags
    }

    /// Decodes the data as JSON.
    public func decode<Value: Decodable>(_ type: Value.Type = Value.self) throws(EventStoreError) -> Value {
        do { return try JSONDecoder().decode(Value.self, from: Data(data)) } catch {
            throw .invalidArgument(.init("the event is not JSON for \(Value.self): \(error)", stream: stream, eventID: id, position: position))
        }
    }
}
