/// Byte offsets of the fixed 64-byte record header (FORMAT.md §3). All integers little-endian.
enum RecordHeaderLayout {
    static let checksum = 0          // u32 CRC32C over bytes [4, length)
    static let length = 4            // u32 header + body bytes, before padding; 0 marks end of data
    static let position = 8          // u64 global position
    static let timestamp = 16        // i64 nanoseconds since 1970-01-01 UTC
    static let streamVersion = 24    // u64
    static let eventID = 32          // 16 bytes, stored verbatim
    static let flags = 48            // u16
    static let streamLength = 50     // u16
    static let eventTypeLength = 52  // u16
    static let tagsLength = 54       // u16, bytes of the tags section (0: no tags)
    static let metadataLength = 56   // u32
    static let payloadLength = 60    // u32
    static let size = 64
}

/// A decoded, checksum-verified view of one record inside a caller's buffer. It does not own
/// the bytes: it is valid only while the buffer it came from is, so never store one.
public struct RecordView {
    let bytes: UnsafeRawBufferPointer  // exactly `length` bytes: header + body

    /// The record's position in the log.
    public var position: LogPosition { LogPosition(bytes.loadLE(at: RecordHeaderLayout.position, as: UInt64.self)) }
    /// The commit time, in nanoseconds since 1970-01-01 UTC.
    public var timestamp: Int64 { bytes.loadLE(at: RecordHeaderLayout.timestamp, as: Int64.self) }
    /// The record's version in its stream.
    public var streamVersion: UInt64 { bytes.loadLE(at: RecordHeaderLayout.streamVersion, as: UInt64.self) }
    /// The event's id.
    public var eventID: EventID { EventID.load(from: bytes, at: RecordHeaderLayout.eventID) }
    /// The record's flag bits (see ``LogRecord/flags``).
    public var flags: UInt16 { bytes.loadLE(at: RecordHeaderLayout.flags, as: UInt16.self) }
    /// True when this record closes the append batch it was written in.
    public var endsBatch: Bool { flags & Format.recordFlagBatchEnd != 0 }
    /// Header plus body, before padding.
    public var length: Int { bytes.count }

    var streamLength: Int { Int(bytes.loadLE(at: RecordHeaderLayout.streamLength, as: UInt16.self)) }
    var eventTypeLength: Int { Int(bytes.loadLE(at: RecordHeaderLayout.eventTypeLength, as: UInt16.self)) }
    var tagsLength: Int { Int(bytes.loadLE(at: RecordHeaderLayout.tagsLength, as: UInt16.self)) }
    var metadataLength: Int { Int(bytes.loadLE(at: RecordHeaderLayout.metadataLength, as: UInt32.self)) }
    var payloadLength: Int { Int(bytes.loadLE(at: RecordHeaderLayout.payloadLength, as: UInt32.self)) }

    /// The stream name's UTF-8 bytes, inside the caller's buffer.
    public var streamBytes: UnsafeRawBufferPointer {
        slice(RecordHeaderLayout.size, streamLength)
    }
    /// The event type's UTF-8 bytes, inside the caller's buffer.
    public var eventTypeBytes: UnsafeRawBufferPointer {
        slice(RecordHeaderLayout.size + streamLength, eventTypeLength)
    }
    /// The tags section (FORMAT.md §3 "Tags"), inside the caller's buffer; empty without tags.
    /// The decoder checked that it parses, so `RecordTags.forEach` over it never fails.
    public var tagsBytes: UnsafeRawBufferPointer {
        slice(RecordHeaderLayout.size + streamLength + eventTypeLength, tagsLength)
    }
    /// The metadata bytes, inside the caller's buffer.
    public var metadataBytes: UnsafeRawBufferPointer {
        slice(RecordHeaderLayout.size + streamLength + eventTypeLength + tagsLength, metadataLength)
    }
    /// The payload bytes, inside the caller's buffer.
    public var payloadBytes: UnsafeRawBufferPointer {
        slice(RecordHeaderLayout.size + streamLength + eventTypeLength + tagsLength + metadataLength, payloadLength)
    }

    /// The stream name, copied out.
    public var stream: String { String(decoding: streamBytes, as: UTF8.self) }
    /// The event type, copied out.
    public var eventType: String { String(decoding: eventTypeBytes, as: UTF8.self) }
    /// The tags, copied out, in the order they were appended.
    public var tags: [String] { RecordTags.decode(tagsBytes) }
    /// True when the record carries `tag` (compared byte for byte, without copying).
    public func hasTag(_ tag: String) -> Bool { RecordTags.contains(tag, in: tagsBytes) }

    /// Copies the record out of the buffer.
    public func materialize() -> LogRecord {
        LogRecord(
            position: position, timestamp: timestamp, streamVersion: streamVersion, eventID: eventID,
            flags: flags, stream: stream, eventType: eventType, tags: tags,
            metadata: Array(metadataBytes), payload: Array(payloadBytes))
    }

    private func slice(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
    }
}
