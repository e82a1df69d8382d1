public import AnnalsLog

extension EventStore {
    /// A stream's events as an `AsyncSequence`, read a page of `pageEvents` at a time, so a long
    /// stream never sits in memory whole. Starts at stream version `fromVersion` (default: the
    /// first readable event forward, the last one backward).
    ///
    /// ```swift
    /// for try await event in store.events(in: "order-17") {
    ///     print(event.version, event.type)
    /// }
    /// ```
    ///
    /// Each page reads what is committed when it is read: a forward read that outlives appends
    /// to the stream also yields them. Ends at the stream's last event; use ``subscribe(from:filter:)``
    /// to follow appends live.
    public func events(
        in stream: StreamName, fromVersion version: UInt64? = nil, direction: ReadDirection = .forward,
        pageEvents: Int = StreamEvents.pageEventsDefault
    ) -> StreamEvents {
        precondition(pageEvents > 0, "a page holds at least one event")
        return StreamEvents(engine: engine, stream: stream, start: version, direction: direction, pageEvents: pageEvents)
    }
}

/// One stream's events, read lazily in pages (``EventStore/events(in:fromVersion:direction:pageEvents:)``).
public struct StreamEvents: AsyncSequence, Sendable {
    /// Each element is one event of the stream.
    public typealias Element = RecordedEvent
    /// Iteration fails with the errors of ``EventStore/read(stream:fromVersion:direction:limit:)``.
    public typealias Failure = EventStoreError

    /// The events per page when the caller names no other size.
    public static let pageEventsDefault = 512

    let engine: StoreEngine
    /// The stream this sequence reads.
    public let stream: StreamName
    let start: UInt64?
    /// Forward (oldest first) or backward (newest first).
    public let direction: ReadDirection
    /// The most events read at once.
    public let pageEvents: Int

    /// An iterator that starts reading at the sequence's first version.
    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self, next: start)
    }

    /// Reads one page ahead of what it has handed out.
    public struct Iterator: AsyncIteratorProtocol {
        let sequence: StreamEvents
        /// The version the next page starts at (nil: the stream's own start).
        var next: UInt64?
        var page: [RecordedEvent] = []
        var index = 0
        var finished = false

        /// The next event, or nil after the stream's last.
        public mutating func next() async throws(EventStoreError) -> RecordedEvent? {
            try await next(isolation: nil)
        }

        /// The next event, or nil after the stream's last. Reads on the caller's executor.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EventStoreError) -> RecordedEvent? {
            if index == page.count {
                guard !finished else { return nil }
                try refill()
                guard !page.isEmpty else { return nil }
            }
            index += 1
            return page[index - 1]
        }

        /// Reads the next page; a short page is the stream's last.
        private mutating func refill() throws(EventStoreError) {
            page = try sequence.engine.readStream(sequence.stream, from: next, direction: sequence.direction, limit: sequence.pageEvents)
            index = 0
            guard page.count == sequence.pageEvents, let last = page.last else {
                finished = true
                return
            }
            switch sequence.direction {
            case .forward:
                next = last.version + 1
            case .backward:
                if last.version == 0 { finished = true } else { next = last.version - 1 }
            }
        }
    }
}
