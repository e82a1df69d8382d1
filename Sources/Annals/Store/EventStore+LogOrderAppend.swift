extension EventStore {
    /// Appends events to several streams in one atomic batch, in the order given, each naming its
    /// stream: the log holds them in exactly this order, and a stream may appear anywhere in it.
    ///
    /// `expectedVersions` holds the expectation of each stream that has one, checked against the
    /// stream's version before the batch; a stream not listed expects `.any`. All of the batch is
    /// written, or none of it (when an expectation does not hold, or on failure). Idempotency is
    /// as for ``append(to:_:expectedVersion:)``: a batch whose event ids are all stored returns
    /// the original result.
    ///
    /// ```swift
    /// try await store.append([
    ///     StreamEvent(stream: "order-17", event: placed),
    ///     StreamEvent(stream: "stock-4", event: reserved),
    ///     StreamEvent(stream: "order-17", event: confirmed),
    /// ], expectedVersions: ["order-17": .noStream])
    /// ```
    @discardableResult
    public func append(
        _ events: [StreamEvent], expectedVersions: [StreamName: ExpectedVersion] = [:]
    ) async throws(EventStoreError) -> MultiAppendResult {
        try await append(try Self.parts(events, expectedVersions: expectedVersions))
    }

    /// `events` as runs of consecutive events of one stream. The first run of each stream
    /// carries its expectation; later runs expect `.any`, since the store numbers each run after
    /// the version the earlier ones reach.
    static func parts(_ events: [StreamEvent], expectedVersions: [StreamName: ExpectedVersion]) throws(EventStoreError) -> [StreamAppend] {
        guard !events.isEmpty else { throw .invalidArgument("an append needs at least one event") }
        var parts: [StreamAppend] = []
        var seen: Set<StreamName> = []
        for item in events {
            if parts.last?.stream == item.stream {
                parts[parts.count - 1].events.append(item.event)
                continue
            }
            let first = seen.insert(item.stream).inserted
            let expected = first ? expectedVersions[item.stream] ?? .any : .any
            parts.append(StreamAppend(stream: item.stream, events: [item.event], expectedVersion: expected))
        }
        if let stray = expectedVersions.keys.first(where: { !seen.contains($0) }) {
            throw .invalidArgument("an expected version is given for stream \(stray), which the append does not write")
        }
        return parts
    }
}
