/// A record to append: everything but the position and, optionally, the timestamp,
/// which the log assigns when the record commits.
public struct LogEntry: Sendable, Equatable {
    /// The stream name: 1 to 1,024 bytes of UTF-8.
    public var stream: String
    /// The event type: at most 1,024 bytes of UTF-8.
    public var eventType: String
    /// The record's version in its stream, chosen by the layer above.
    public var streamVersion: UInt64
    /// The event's id, chosen by the layer above (``EventID/zero`` for none).
    public var eventID: EventID
    /// Nanoseconds since 1970-01-01 UTC. `nil` means "now". The log stores
    /// `max(timestamp, previous record's timestamp)` so time never runs backwards in the log.
    public var timestamp: Int64?
    /// Bits 8-15 are free for the layer above; bits 0-7 belong to the log and must be zero here.
    public var flags: UInt16
    /// At most 32 tags, each 1 to 255 bytes of UTF-8, none twice (FORMAT.md §3 "Tags").
    public var tags: [String]
    /// Opaque metadata bytes.
    public var metadata: [UInt8]
    /// Opaque payload bytes.
    public var payload: [UInt8]

    /// An entry with these fields; the log adds the position and, when `timestamp` is nil, the time.
    public init(
        stream: String, eventType: String, streamVersion: UInt64 = 0, eventID: EventID = .zero,
        timestamp: Int64? = nil, flags: UInt16 = 0, tags: [String] = [], metadata: [UInt8] = [], payload: [UInt8]
    ) {
        self.stream = stream
        self.eventType = eventType
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.timestamp = timestamp
        self.flags = flags
        self.tags = tags
        self.metadata = metadata
        self.payload = payload
    }

    /// Bytes this entry takes in a segment, header and padding included. A batch's entries must
    /// add up to at most `Log.batchBytesMax`.
    public var storedBytes: Int { RecordCodec.paddedBytes(encodedBytes) }

    /// Header plus body, before alignment padding.
    var encodedBytes: Int {
        Format.recordHeaderBytes + stream.utf8.count + eventType.utf8.count + tagsBytes + metadata.count + payload.count
    }

    /// Bytes of the tags section: a length byte and the UTF-8 of each tag.
    @inline(__always)
    var tagsBytes: Int {
        tags.isEmpty ? 0 : tags.reduce(0) { $0 + 1 + $1.utf8.count }
    }
}

/// A committed record, as read back from the log.
public struct LogRecord: Sendable, Equatable {
    /// The record's position in the log.
    public var position: LogPosition
    /// The commit time the log recorded, in nanoseconds since 1970-01-01 UTC.
    public var timestamp: Int64
    /// The record's version in its stream.
    public var streamVersion: UInt64
    /// The event's id.
    public var eventID: EventID
    /// The record's flag bits: bits 0-7 the log's own, bits 8-15 the layer above's.
    public var flags: UInt16
    /// The stream name.
    public var stream: String
    /// The event type.
    public var eventType: String
    /// The tags, in the order they were appended.
    public var tags: [String]
    /// The metadata bytes.
    public var metadata: [UInt8]
    /// The payload bytes.
    public var payload: [UInt8]

    /// A record with these fields, as the log reads it back.
    public init(
        position: LogPosition, timestamp: Int64, streamVersion: UInt64, eventID: EventID, flags: UInt16,
        stream: String, eventType: String, tags: [String] = [], metadata: [UInt8], payload: [UInt8]
    ) {
        self.position = position
        self.timestamp = timestamp
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.flags = flags
        self.stream = stream
        self.eventType = eventType
        self.tags = tags
        self.metadata = metadata
        self.payload = payload
    }

    /// True when this record closes the append batch it was written in.
    public var endsBatch: Bool { flags & Format.recordFlagBatchEnd != 0 }
    /// The flag bits that belong to the layer above the log.
    public var userFlags: UInt16 { flags & Format.recordFlagsUserMask }
}
