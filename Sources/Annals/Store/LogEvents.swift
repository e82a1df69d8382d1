public import AnnalsLog
import Synchronization

extension EventStore {
    /// The events passing `filter` from log position `fromPosition` up to the log's last
    /// committed position when iteration starts, as an `AsyncSequence` read in pages of
    /// `pageEvents`: a scan of the whole log never holds more than a page in memory.
    ///
    /// ```swift
    /// for try await event in store.events(fromPosition: .first, filter: .category("order")) {
    ///     total += try event.decode(OrderPlaced.self).total
    /// }
    /// ```
    ///
    /// It ends at the head it saw first; ``subscribe(from:filter:)`` goes on live.
    public func events(
        fromPosition position: LogPosition = .first, filter: EventFilter = .all,
        pageEvents: Int = LogEvents.pageEventsDefault
    ) -> LogEvents {
        precondition(pageEvents > 0, "a page holds at least one event")
        return LogEvents(engine: engine, start: position, filter: filter, pageEvents: pageEvents)
    }
}

/// Events of the whole log in position order, read lazily in pages
/// (``EventStore/events(fromPosition:filter:pageEvents:)``). Control records are skipped.
public struct LogEvents: AsyncSequence, Sendable {
    /// Each element is one event, in log order.
    public typealias Element = RecordedEvent
    /// Iteration fails with the errors of ``EventStore/readAll(fromPosition:direction:limit:)``.
    public typealias Failure = EventStoreError

    /// The events per page when the caller names no other size.
    public static let pageEventsDefault = 512
    /// Records scanned per page when few pass the filter, so one page never runs long.
    static let scanRecordsMax = 16_384

    let engine: StoreEngine
    let start: LogPosition
    /// The events this sequence yields.
    public let filter: EventFilter
    /// The most events read at once.
    public let pageEvents: Int

    /// An iterator that fixes the end at the log's head when it reads its first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self, cursor: Swift.max(start, .first))
    }

    /// Reads one page ahead of what it has handed out.
    public struct Iterator: AsyncIteratorProtocol {
        let sequence: LogEvents
        /// Every matching event before this position was handed out or is in `page`.
        var cursor: LogPosition
        /// One past the last position read: the head when the first page was read.
        var end: LogPosition?
        var page: [RecordedEvent] = []
        var index = 0

        /// The next event, or nil at the end.
        public mutating func next() async throws(EventStoreError) -> RecordedEvent? {
            try await next(isolation: nil)
        }

        /// The next event, or nil at the end. Reads on the caller's executor.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EventStoreError) -> RecordedEvent? {
            let engine = sequence.engine
            if self.end == nil { try engine.followIfStale() }  // a read-only store catches up first
            let end = self.end ?? LogPosition(engine.visibleEnd.load(ordering: .acquiring))
            self.end = end
            while index == page.count {
                guard cursor < end else { return nil }
                let (events, next) = try engine.scan(
                    from: cursor, end: end, filter: sequence.filter, maxEvents: sequence.pageEvents, maxRecords: LogEvents.scanRecordsMax)
                precondition(next > cursor, "a scan before the end always moves on")
                cursor = next
                page = events
                index = 0
            }
            index += 1
            return page[index - 1]
        }
    }
}
