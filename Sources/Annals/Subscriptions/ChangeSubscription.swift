import AnnalsLog
import Synchronization

/// Events and deletions in position order (`EventStore.subscribeToChanges(from:)`): first the
/// history from the start point, then live changes as they are committed, until the task is
/// cancelled or the store closes.
///
/// It works as `Subscription` does, without a filter: it is only a cursor (the next position to
/// read), both phases read the log through it, and the live phase waits on the store's commit
/// signal, so delivery has no gap and no duplicate. It holds at most
/// `EventStoreOptions.subscriptionBufferEvents` changes.
public struct ChangeSubscription: AsyncSequence, Sendable {
    /// Each element is one event or deletion, in position order.
    public typealias Element = StoreChange
    /// Iteration fails only when the store does (a closed store ends it instead).
    public typealias Failure = EventStoreError

    let engine: StoreEngine
    let start: LogPosition

    /// An iterator from the subscription's start.
    public func makeAsyncIterator() -> Iterator {
        Iterator(engine: engine, cursor: start)
    }

    /// Reads the log from the subscription's cursor, and waits for commits when it reaches the head.
    public struct Iterator: AsyncIteratorProtocol {
        let engine: StoreEngine
        /// Every change before this position was delivered or is in `buffer`.
        var cursor: LogPosition
        var buffer: [StoreChange] = []
        var index = 0

        /// The next change, waiting for one to be committed; nil once the task is cancelled or the store closes.
        public mutating func next() async throws(EventStoreError) -> StoreChange? {
            try await next(isolation: nil)
        }

        /// The next change, waiting for one to be committed; nil once the task is cancelled or the store closes.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EventStoreError) -> StoreChange? {
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
            let (engine, cursor) = (self.engine, self.cursor)
            let batch = engine.options.subscriptionBufferEvents
            do {
                // On the caller's thread, as every read (see `Subscription`).
                let (changes, next) = try engine.scanChanges(from: cursor, end: end, maxChanges: batch)
                precondition(next > cursor, "a read past the cursor always moves it")
                self.cursor = next
                buffer = changes
                index = 0
                return true
            } catch {
                // As in `Subscription`: a read cut short by closing the store ends the sequence.
                if case .closed = error { return false }
                if engine.signal.isClosed { return false }
                throw error
            }
        }
    }
}
