import AnnalsLog

extension Subscription.Iterator {
    /// The next events already read (at least one, waiting for it if needed, at most
    /// `maxEvents`), and the last position they cover: when the buffer is drained, every
    /// matching event before the cursor was delivered, so the batch covers up to the cursor
    /// even if the last positions held events the filter skips. Nil when the subscription ends.
    mutating func nextBatch(maxEvents: Int) async throws(EventStoreError) -> (events: [RecordedEvent], through: LogPosition)? {
        precondition(maxEvents > 0, "a batch holds at least one event")
        guard let first = try await next() else { return nil }
        var events = [first]
        while events.count < maxEvents && index < buffer.count {
            events.append(buffer[index])
            index += 1
        }
        let drained = index == buffer.count
        let through = drained ? LogPosition(cursor.rawValue - 1) : events[events.count - 1].position
        precondition(through >= events[events.count - 1].position, "a batch covers its own events")
        return (events, through)
    }
}
