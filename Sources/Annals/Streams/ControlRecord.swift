import AnnalsLog

/// Records the stream layer writes that are not events (docs/STREAMS.md, "Deletion").
///
/// A control record carries flag bit 8 (`controlFlag`, from the bits the log leaves to the layer
/// above) and a reserved event type saying what it does. Reads and subscriptions skip it; the
/// stream index does not hold it; only stream heads change.
enum ControlRecord: Sendable, Equatable {
    /// Soft delete: versions below `truncateBefore` read as deleted (stored in the version field).
    case softDelete(truncateBefore: UInt64)
    /// Hard delete: the stream name is refused forever.
    case tombstone

    /// Flag bit 8: the record is a stream control record, not an event.
    static let controlFlag: UInt16 = 0x0100
    static let softDeleteType = "$soft-delete"
    static let tombstoneType = "$tombstone"

    /// Parses a record's header fields; nil for an ordinary event.
    init?(flags: UInt16, eventType: String, streamVersion: UInt64) {
        guard flags & Self.controlFlag != 0 else { return nil }
        switch eventType {
        case Self.softDeleteType: self = .softDelete(truncateBefore: streamVersion)
        case Self.tombstoneType: self = .tombstone
        default: return nil  // an unknown control record from a later version: ignored
        }
    }

    static func isControl(flags: UInt16) -> Bool { flags & controlFlag != 0 }

    /// The log entry that records this control action on `stream`.
    func entry(stream: StreamName, nextVersion: UInt64) -> LogEntry {
        switch self {
        case .softDelete(let truncateBefore):
            LogEntry(stream: stream.rawValue, eventType: Self.softDeleteType, streamVersion: truncateBefore,
                     eventID: UUIDv7.generate().eventID, flags: Self.controlFlag, payload: [])
        case .tombstone:
            LogEntry(stream: stream.rawValue, eventType: Self.tombstoneType, streamVersion: nextVersion,
                     eventID: UUIDv7.generate().eventID, flags: Self.controlFlag, payload: [])
        }
    }
}

/// The header fields the indexes need from one record, copied out of a `RecordView`.
struct IndexedRecord: Sendable {
    var position: LogPosition
    var timestamp: Int64
    var stream: String
    var version: UInt64
    var id: EventID
    /// Nil for an event.
    var control: ControlRecord?
    /// The event type and tags, which the query index keys the event by (with its category).
    var eventType: String
    var tags: [String]

    init(_ view: RecordView) {
        position = view.position
        timestamp = view.timestamp
        stream = view.stream
        version = view.streamVersion
        id = view.eventID
        eventType = view.eventType
        tags = view.tagsBytes.isEmpty ? [] : view.tags
        control = ControlRecord.isControl(flags: view.flags)
            ? ControlRecord(flags: view.flags, eventType: view.eventType, streamVersion: view.streamVersion) : nil
    }

    init(position: LogPosition, timestamp: Int64, entry: LogEntry) {
        self.position = position
        self.timestamp = timestamp
        stream = entry.stream
        version = entry.streamVersion
        id = entry.eventID
        control = ControlRecord(flags: entry.flags, eventType: entry.eventType, streamVersion: entry.streamVersion)
        eventType = entry.eventType
        tags = entry.tags
    }

    var isControl: Bool { control != nil }

    /// The records of a batch the log just wrote: `entries` at `batch`'s positions and times.
    static func records(_ entries: [LogEntry], batch: AppendedBatch) -> [IndexedRecord] {
        precondition(entries.count == batch.count, "one position per entry")
        var records: [IndexedRecord] = []
        records.reserveCapacity(entries.count)
        var position = batch.positions.lowerBound
        for (index, entry) in entries.enumerated() {
            records.append(IndexedRecord(position: position, timestamp: batch.timestamps[index], entry: entry))
            position = position.advanced(by: 1)
        }
        return records
    }
}
