#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

/// The store's reads. Each runs on the caller's thread: committed data is immutable, so a read
/// takes the stream layer's lock only to copy index entries, never waits for an append or an
/// fdatasync, and needs no hop to another thread. `EventStore.reader` offers the same reads
/// synchronously.
extension EventStore {
    /// A stream's events from `version` (default: its first readable event forward, its last
    /// backward), at most `limit`. A stream never written reads as empty; a deleted one throws
    /// `.streamDeleted` or `.streamTombstoned`.
    public func read(
        stream: StreamName, from version: UInt64? = nil, direction: ReadDirection = .forward, limit: Int = .max
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(stream: stream, from: version, direction: direction, limit: limit)
    }

    /// The stream as it was at `date`: its readable events committed at or before then.
    public func read(stream: StreamName, asOf date: Date) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(stream: stream, asOf: date)
    }

    /// All events by global position (control records such as deletions are skipped).
    public func readAll(
        from position: LogPosition = .first, direction: ReadDirection = .forward, limit: Int = .max
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.readAll(from: position, direction: direction, limit: limit)
    }

    /// Events passing `filter` (a category, an event type, a stream prefix) from `position` on,
    /// in position order, at most `limit`. This scans the log from `position`.
    public func read(filter: EventFilter, from position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: filter, from: position, limit: limit)
    }

    /// The events of every stream in `category` (the stream prefix before the first `-`).
    public func read(category: String, from position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: .category(category), from: position, limit: limit)
    }

    /// The events of type `eventType`.
    public func read(eventType: String, from position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: .eventType(eventType), from: position, limit: limit)
    }

    /// The first position committed at or after `date` (found through the time indexes), or nil
    /// if every record is older.
    public func firstPosition(atOrAfter date: Date) async throws(EventStoreError) -> LogPosition? {
        try reader.firstPosition(atOrAfter: date)
    }

    /// What the store knows of `stream` without reading it, or nil if it was never written.
    public func info(stream: StreamName) throws(EventStoreError) -> StreamInfo? {
        try reader.info(stream: stream)
    }

    /// Every stream the store holds, by name.
    public func streams() throws(EventStoreError) -> [StreamInfo] {
        try reader.streams()
    }

    static func nanoseconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return seconds > 0 ? .max : .min }
        let nanoseconds = (seconds * 1_000_000_000).rounded(.down)
        if nanoseconds >= Double(Int64.max) { return .max }
        if nanoseconds <= Double(Int64.min) { return .min }
        return Int64(nanoseconds)
    }
}
