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

    /// Events read per page by ``read(stream:asOf:)``.
    static let asOfPageEvents = 256

    /// See ``EventStore/read(stream:fromVersion:direction:limit:)``.
    public func read(
        stream: StreamName, fromVersion version: UInt64? = nil, direction: ReadDirection = .forward, limit: Int = .max
    ) throws(EventStoreError) -> [RecordedEvent] {
        try engine.observeRead(.stream) { () throws(EventStoreError) in
            try engine.readStream(stream, from: version, direction: direction, limit: limit)
        }
    }

    /// See ``EventStore/read(stream:asOf:)``. Reads the stream forward a page at a time and
    /// stops at the first event committed after `date`.
    public func read(stream: StreamName, asOf date: Date) throws(EventStoreError) -> [RecordedEvent] {
        try engine.observeRead(.stream) { () throws(EventStoreError) in
            // The first position after `date`; none when `date` is the end of time (no `+ 1` wrap).
            let nanoseconds = EventStore.nanoseconds(date)
            let end = nanoseconds == .max ? nil : try engine.firstPosition(atOrAfter: nanoseconds + 1)
            var events: [RecordedEvent] = []
            var next: UInt64? = nil
            while true {
                let page = try engine.readStream(stream, from: next, direction: .forward, limit: Self.asOfPageEvents)
                for event in page {
                    if let end, event.position >= end { return events }
                    events.append(event)
                }
                guard page.count == Self.asOfPageEvents, let last = page.last else { return events }
                next = last.version + 1
            }
        }
    }

    /// See ``EventStore/readAll(fromPosition:direction:limit:)``.
    public func readAll(
        fromPosition position: LogPosition? = nil, direction: ReadDirection = .forward, limit: Int = .max
    ) throws(EventStoreError) -> [RecordedEvent] {
        let start = position ?? (direction == .forward ? .first : LogPosition(UInt64.max))
        return try engine.observeRead(.all) { () throws(EventStoreError) in
            try engine.readAll(from: start, direction: direction, limit: limit)
        }
    }

    /// See ``EventStore/read(filter:fromPosition:limit:)``.
    public func read(filter: EventFilter, fromPosition position: LogPosition = .first, limit: Int = .max) throws(EventStoreError) -> [RecordedEvent] {
        try engine.observeRead(.filter) { () throws(EventStoreError) in
            // Categories, types and queries come from the query index; a stream prefix is a scan.
            if let selection = filter.indexedSelection {
                if case .query(let query) = filter { try query.validate() }
                let after = position > .first ? LogPosition(position.rawValue - 1) : nil
                return try engine.readIndexed(selection, after: after, limit: limit, matches: filter.matches)
            }
            try engine.followIfStale()
            let end = LogPosition(engine.visibleEnd.load(ordering: .acquiring))
            return try engine.scan(from: position, end: end, filter: filter, maxEvents: limit, maxRecords: .max).events
        }
    }

    /// See ``EventStore/read(_:after:limit:)``.
    public func read(_ query: EventQuery, after position: LogPosition? = nil, limit: Int = .max) throws(EventStoreError) -> [RecordedEvent] {
        try engine.observeRead(.query) { () throws(EventStoreError) in
            try query.validate()
            return try engine.readIndexed(.query(query), after: position, limit: limit, matches: query.matches)
        }
    }

    /// See ``EventStore/firstPosition(atOrAfter:)``.
    public func firstPosition(atOrAfter date: Date) throws(EventStoreError) -> LogPosition? {
        try engine.observeRead(.time) { () throws(EventStoreError) in
            try engine.firstPosition(atOrAfter: EventStore.nanoseconds(date))
        }
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
