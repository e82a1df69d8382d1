public import AnnalsLog

/// Dynamic Consistency Boundaries (docs/DCB.md): reads by tag query, and appends conditional
/// on what a query selects.
extension EventStore {
    /// The events `query` selects after log position `after` (nil: from the start), in log
    /// order, at most `limit`. Served by the query index: only matching records are read.
    public func read(_ query: EventQuery, after position: LogPosition? = nil, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(query, after: position, limit: limit)
    }

    /// Appends `events` to `stream` atomically if the stream's version is as expected and no
    /// event matching `condition`'s query was appended after its position.
    ///
    /// Fails with ``EventStoreError/appendConditionFailed(_:)``, whose position is the first
    /// such event's, and writes nothing. A batch whose ids are all stored already is a replay:
    /// it returns the original result without checking the condition again.
    @discardableResult
    public func append(
        to stream: StreamName, _ events: [EventData], expectedVersion: ExpectedVersion = .any, condition: AppendCondition
    ) async throws(EventStoreError) -> AppendResult {
        let result = try await append([StreamAppend(stream: stream, events: events, expectedVersion: expectedVersion)], condition: condition)
        return AppendResult(positions: result.positions, streamVersion: result.events.last!.streamVersion, isReplay: result.isReplay)
    }

    /// Appends to several streams in one atomic batch (see ``append(_:)``) if every expected
    /// version holds and `condition` holds: no event matching its query after its position.
    @discardableResult
    public func append(_ streams: [StreamAppend], condition: AppendCondition) async throws(EventStoreError) -> MultiAppendResult {
        try await engine.append(streams, condition: condition)
    }
}
