public import AnnalsLog
import Synchronization

/// Where a subscription starts.
public enum SubscriptionStart: Sendable, Hashable {
    /// The first event in the store.
    case start
    /// Only events appended after the subscription was made.
    case end
    /// Events at this position and after.
    case position(LogPosition)
    /// Events after the named durable checkpoint (from the start if it was never saved).
    case checkpoint(String)
}

/// Events in position order: first the history from the start point, then live appends as they
/// are committed, until the task is cancelled or the store closes.
///
/// Delivery has no gap and no duplicate, including at the switch from history to live: the
/// subscription is only a cursor (the next position to read), and both phases read the log
/// through it. It holds at most `EventStoreOptions.subscriptionBufferEvents` events; a consumer
/// that falls behind costs no memory and never slows a writer, it simply reads on from the log.
public struct Subscription: AsyncSequence, Sendable {
    /// Each element is one event, in position order.
    public typealias Element = RecordedEvent
    /// Iteration fails only when the store does (a closed store ends it instead).
    public typealias Failure = EventStoreError

    /// Records scanned per read when few match the filter, so one read never runs long.
    static let scanRecordsMax = 4096

    let engine: StoreEngine
    let start: LogPosition
    /// The events the subscription delivers.
    public let filter: EventFilter

    /// An iterator from the subscription's start.
    public func makeAsyncIterator() -> Iterator {
        Iterator(engine: engine, cursor: start, filter: filter)
    }

    /// Reads the log from the subscription's cursor, and waits for commits when it reaches the head.
    public struct Iterator: AsyncIteratorProtocol {
        let engine: StoreEngine
        /// Every matching event before this position was delivered or is in `buffer`.
        var cursor: LogPosition
        let filter: EventFilter
        var buffer: [RecordedEvent] = []
        var index = 0

        /// The next event, waiting for one to be committed; nil once the task is cancelled or the store closes.
        public mutating func next() async throws(EventStoreError) -> RecordedEvent? {
            try await next(isolation: nil)
        }

        /// The next event, waiting for one to be committed; nil once the task is cancelled or the store closes.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EventStoreError) -> RecordedEvent? {
            while true {
                if index < buffer.count {
                    index += 1
                    return buffer[index - 1]
                }
                if Task.isCancelled { return nil }
                let end = LogPosition(engine.visibleEnd.load(ordering: .acquiring))
                if cursor < end {
                    guard try refill(end: end) else { return nil }
                    continue
                }
                if engine.signal.isClosed { return nil }
                try await engine.waitForCommit(beyond: cursor)
            }
        }

        /// Reads the next batch from the log. False when the store has closed.
        private mutating func refill(end: LogPosition) throws(EventStoreError) -> Bool {
            let (engine, cursor, filter) = (self.engine, self.cursor, self.filter)
            let batch = engine.options.subscriptionBufferEvents
            do {
                // On the caller's thread, as every read: committed records are immutable and a
                // read never waits for an append or an fdatasync (a thread hop per refill cost a
                // follower two context switches per batch).
                let (events, next) = try engine.scan(from: cursor, end: end, filter: filter, maxEvents: batch, maxRecords: Subscription.scanRecordsMax)
                precondition(next > cursor, "a read past the cursor always moves it")
                self.cursor = next
                // Positions committed but not yet read past, once per refill (not per event).
                if let metrics = engine.metrics {
                    let head = engine.visibleEnd.load(ordering: .relaxed)
                    metrics.noteSubscriptionLag(head > next.rawValue ? head - next.rawValue : 0)
                }
                buffer = events
                index = 0
                return true
            } catch {
                // Closing the store can fail a read already under way with an I/O error on a
                // closed file; once the store is closed, that simply ends the subscription.
                if case .closed = error { return false }
                if engine.signal.isClosed { return false }
                throw error
            }
        }
    }
}
