#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog
import Synchronization

/// The store's reads as synchronous calls on the caller's thread (`EventStore.reader`), for
/// code that is not async or wants no suspension point: a read of committed data never waits
/// for an append or an fdatasync. Each method matches the `EventStore` read of the same name.
public struct EventStoreReader: Sendable {
    let engine: StoreEngine

    /// See `EventStore.read(stream:from:direction:limit:)`.
    public func read(
        stream: StreamName, from version: UInt64? = nil, direction: ReadDirection = .forward, limit: Int = .max
    ) throws(EventStoreError) -> [RecordedEvent] {
        try engine.readStream(stream, from: version, direction: direction, limit: limit)
    }

    /// See `EventStore.read(stream:asOf:)`.
    public func read(stream: StreamName, asOf date: Date) throws(EventStoreError) -> [RecordedEvent] {
        let end = try engine.firstPosition(atOrAfter: EventStore.nanoseconds(date) &+ 1)
        let events = try engine.readStream(stream, from: nil, direction: .forward, limit: .max)
        guard let end else { return events }
        return events.filter { $0.position < end }
    }

    /// See `EventStore.readAll(from:direction:limit:)`.
    public func readAll(
        from position: LogPosition = .first, direction: ReadDirection = .forward, limit: Int = .max
    ) throws(EventStoreError) -> [RecordedEvent] {
        try engine.readAll(from: position, direction: direction, limit: limit)
    }

    /// See `EventStore.read(filter:from:limit:)`.
    public func read(filter: EventFilter, from position: LogPosition = .first, limit: Int = .max) throws(EventStoreError) -> [RecordedEvent] {
        try engine.followIfStale()
        let end = LogPosition(engine.visibleEnd.load(ordering: .acquiring))
        return try engine.scan(from: position, end: end, filter: filter, maxEvents: limit, maxRecords: .max).events
    }

    /// See `EventStore.firstPosition(atOrAfter:)`.
    public func firstPosition(atOrAfter date: Date) throws(EventStoreError) -> LogPosition? {
        try engine.firstPosition(atOrAfter: EventStore.nanoseconds(date))
    }

    /// What the store knows of `stream` without reading it, or nil if it was never written.
    public func info(stream: StreamName) throws(EventStoreError) -> StreamInfo? {
        try engine.streamInfo(stream)
    }

    /// Every stream the store holds, by name.
    public func streams() throws(EventStoreError) -> [StreamInfo] {
        try engine.streamInfos()
    }

    /// The last position of an event or control record readers can see, or nil when empty.
    public var lastPosition: LogPosition? {
        try? engine.followIfStale()
        let end = engine.visibleEnd.load(ordering: .acquiring)
        return end > LogPosition.first.rawValue ? LogPosition(end - 1) : nil
    }
}
