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
    /// A stream's events from stream version `fromVersion` (default: its first readable event
    /// forward, its last backward), at most `limit`. A stream never written reads as empty; a
    /// deleted one throws `.streamDeleted` or `.streamTombstoned`.
    ///
    /// The whole result is held in memory; for a long stream, iterate ``events(in:fromVersion:direction:pageEvents:)``.
    public func read(
        stream: StreamName, fromVersion version: UInt64? = nil, direction: ReadDirection = .forward, limit: Int = .max
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(stream: stream, fromVersion: version, direction: direction, limit: limit)
    }

    /// The stream as it was at `date`: its readable events committed at or before then. The
    /// read stops at the first event committed after `date`; it never reads the rest.
    public func read(stream: StreamName, asOf date: Date) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(stream: stream, asOf: date)
    }

    /// All events by global log position from `fromPosition` (default: the first event forward,
    /// the last one backward), at most `limit`. Control records such as deletions are skipped.
    ///
    /// ```swift
    /// let newest = try await store.readAll(direction: .backward, limit: 10)
    /// ```
    public func readAll(
        fromPosition position: LogPosition? = nil, direction: ReadDirection = .forward, limit: Int = .max
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.readAll(fromPosition: position, direction: direction, limit: limit)
    }

    /// Events passing `filter` (a category, an event type, a query, a stream prefix) from log
    /// position `fromPosition` on, in position order, at most `limit`. Categories, event types
    /// and queries are read through the query index, so only matching records are read; a
    /// stream prefix or `.all` scans the log from there.
    public func read(filter: EventFilter, fromPosition position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: filter, fromPosition: position, limit: limit)
    }

    /// The events of every stream in `category` (the stream prefix before the first `-`), from
    /// log position `fromPosition` on.
    public func read(category: String, fromPosition position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: .category(category), fromPosition: position, limit: limit)
    }

    /// The events of type `eventType`, from log position `fromPosition` on.
    public func read(eventType: String, fromPosition position: LogPosition = .first, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: .eventType(eventType), fromPosition: position, limit: limit)
    }

    /// The first position committed at or after `date` (found through the time indexes), or nil
    /// if every record is older.
    public func firstPosition(atOrAfter date: Date) async throws(EventStoreError) -> LogPosition? {
        try reader.firstPosition(atOrAfter: date)
    }

    /// What the store knows of `stream` without reading it, or nil if it was never written.
    ///
    /// Synchronous, and safe to call anywhere: it copies one head under the stream layer's lock,
    /// which no append holds across a write or an fdatasync, so it never waits for the disk.
    public func info(stream: StreamName) throws(EventStoreError) -> StreamInfo? {
        try reader.info(stream: stream)
    }

    /// Every stream the store holds, by name.
    ///
    /// Synchronous, like ``info(stream:)``: it copies the heads under a lock that no append
    /// holds across I/O. It costs time in proportion to the number of streams.
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
