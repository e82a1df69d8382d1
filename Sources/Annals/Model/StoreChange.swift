#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

/// One record of the log as the stream layer sees it: an event, or a stream deletion.
///
/// `readAll` and `subscribe` yield events only. A copy of the whole store (replication,
/// backup) needs the deletions too, since each takes a log position that no event carries:
/// `EventStoreReader.readChanges(fromPosition:limit:)` and `EventStore.subscribeToChanges(from:)` yield
/// both, in position order, with no gap between consecutive positions of known kinds.
public enum StoreChange: Sendable, Equatable {
    /// An event.
    case event(RecordedEvent)
    /// A soft or hard delete of a stream.
    case deletion(StreamDeletion)

    /// The record's global position in the log.
    public var position: LogPosition {
        switch self {
        case .event(let event): event.position
        case .deletion(let deletion): deletion.position
        }
    }

    /// When the log committed the record, in nanoseconds since 1970-01-01 UTC.
    public var timestampNanoseconds: Int64 {
        switch self {
        case .event(let event): event.timestampNanoseconds
        case .deletion(let deletion): deletion.timestampNanoseconds
        }
    }

    /// The stream the record belongs to.
    public var stream: StreamName {
        switch self {
        case .event(let event): event.stream
        case .deletion(let deletion): deletion.stream
        }
    }
}

/// A soft or hard delete of a stream, as recorded in the log (docs/STREAMS.md, "Deletion").
public struct StreamDeletion: Sendable, Equatable {
    /// Which delete it was.
    public enum Kind: String, Sendable, Equatable {
        /// `softDelete`: the stream reads as deleted until an append revives it.
        case soft
        /// `hardDelete` (a tombstone): the name is refused forever.
        case hard
    }

    /// The deletion record's global position in the log.
    public var position: LogPosition
    /// The deleted stream.
    public var stream: StreamName
    /// A soft or a hard delete.
    public var kind: Kind
    /// The stream's next version when it was deleted: every version below it is deleted.
    /// For a soft delete this is where a revival continues (the stream's last version + 1).
    public var truncateBefore: UInt64
    /// When the log committed the deletion, in nanoseconds since 1970-01-01 UTC.
    public var timestampNanoseconds: Int64
    /// The deletion record's own id: a UUIDv7 made when the deletion was written. Unlike an
    /// event id it is not indexed (deletions are not idempotent by id); a copy keeps it so
    /// that the same deletion has the same id in every store.
    public var id: UUID

    /// A deletion record with these fields.
    public init(position: LogPosition, stream: StreamName, kind: Kind, truncateBefore: UInt64, timestampNanoseconds: Int64, id: UUID) {
        self.position = position
        self.stream = stream
        self.kind = kind
        self.truncateBefore = truncateBefore
        self.timestampNanoseconds = timestampNanoseconds
        self.id = id
    }
}

extension StoreChange {
    /// The change a record holds; nil for a control record of a kind this version does not know.
    init?(_ record: LogRecord) {
        guard ControlRecord.isControl(flags: record.flags) else {
            self = .event(RecordedEvent(record))
            return
        }
        guard let control = ControlRecord(flags: record.flags, eventType: record.eventType, streamVersion: record.streamVersion) else {
            return nil
        }
        let kind: StreamDeletion.Kind
        switch control {
        case .softDelete(let truncateBefore):
            precondition(truncateBefore == record.streamVersion, "a soft delete stores its truncation in the version field")
            kind = .soft
        case .tombstone:
            kind = .hard
        }
        // Both kinds store the stream's next version in the version field (ControlRecord.entry).
        self = .deletion(StreamDeletion(position: record.position, stream: StreamName(record.stream), kind: kind,
                                        truncateBefore: record.streamVersion, timestampNanoseconds: record.timestamp,
                                        id: UUID(record.eventID)))
    }
}
