/// A record to append: everything but the position and, optionally, the timestamp,
/// which the log assigns when the record commits.
public struct LogEntry: Sendable, Equatable {
    public var stream: String
    public var eventType: String
    public var streamVersion: UInt64
    public var eventID: EventID
    /// Nanoseconds since 1970-01-01 UTC. `nil` means "now". The log stores
    /// `max(timestamp, previous record's timestamp)` so time never runs backwards in the log.
    public var timestamp: Int64?
    /// Bits 8-15 are free for the layer above; bits 0-7 belong to the log and must be zero here.
    public var flags: UInt16
    public var metadata: [UInt8]
    public var payload: [UInt8]

    public init(
        stream: String, eventType: String, streamVersion: UInt64 = 0, eventID: EventID = .zero,
        timestamp: Int64? = nil, flags: UInt16 = 0, metadata: [UInt8] = [], payload: [UInt8]
    ) {
        self.stream = stream
        self.eventType = eventType
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.timestamp = timestamp
        self.flags = flags
        self.metadata = metadata
        self.payload = payload
    }

    /// Bytes this entry takes in a segment, header and padding included. A batch's entries must
    /// add up to at most `Log.batchBytesMax`.
    public var storedBytes: Int { RecordCodec.paddedBytes(encodedBytes) }

    /// Header plus body, before alignment padding.
    var encodedBytes: Int {
        Format.recordHeaderBytes + stream.utf8.count + eventType.utf8.count + metadata.count + payload.count
    }
}

/// A committed record, as read back from the log.
public struct LogRecord: Sendable, Equatable {
    public var position: LogPosition
    public var timestamp: Int64
    public var streamVersion: UInt64
    public var eventID: EventID
    public var flags: UInt16
    public var stream: String
    public var eventType: String
    public var metadata: [UInt8]
    public var payload: [UInt8]

    public init(
        position: LogPosition, timestamp: Int64, streamVersion: UInt64, eventID: EventID, flags: UInt16,
        stream: String, eventType: String, metadata: [UInt8], payload: [UInt8]
    ) {
        self.position = position
        self.timestamp = timestamp
        self.streamVersion = streamVersion
        self.eventID = eventID
        self.flags = flags
        self.stream = stream
        self.eventType = eventType
        self.metadata = metadata
        self.payload = payload
    }

    /// True when this record closes the append batch it was written in.
    public var endsBatch: Bool { flags & Format.recordFlagBatchEnd != 0 }
    /// The flag bits that belong to the layer above the log.
    public var userFlags: UInt16 { flags & Format.recordFlagsUserMask }
}
