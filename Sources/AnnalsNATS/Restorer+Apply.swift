import Annals
import AnnalsLog

extension Restorer {
    /// Appends the events of `batch` the store lacks, in order, in atomic batches of
    /// consecutive runs per stream, each expecting the version before its first event.
    /// Events at or before the cursor are redeliveries and are skipped.
    func apply(_ batch: [ReplicatedEvent], cursor: inout Cursor) async throws(ReplicationError) {
        var pending: [ReplicatedEvent] = []
        var bytes = 0
        for event in batch {
            guard event.sequence > cursor.sequence else { continue }
            guard event.position > cursor.position else { continue }
            let expected = (pending.last?.position ?? cursor.position).rawValue + 1
            guard event.position.rawValue == expected else {
                throw .positionMismatch("JetStream sequence \(event.sequence) carries position \(event.position), but the restored store's next position is \(expected): the source log has records there that are not events (such as stream deletions), which replication does not carry")
            }
            if !pending.isEmpty && (pending.count >= Self.batchEventsMax || bytes + event.data.count + event.metadata.count > Self.batchBytesMax) {
                try await append(pending, cursor: &cursor)
                pending.removeAll(keepingCapacity: true)
                bytes = 0
            }
            pending.append(event)
            bytes += event.data.count + event.metadata.count
        }
        if !pending.isEmpty { try await append(pending, cursor: &cursor) }
    }

    private func append(_ events: [ReplicatedEvent], cursor: inout Cursor) async throws(ReplicationError) {
        var parts: [StreamAppend] = []
        for event in events {
            let data = EventData(id: event.id, type: event.type, data: event.data, metadata: event.metadata,
                                 timestampNanoseconds: event.timestampNanoseconds)
            if let last = parts.last, last.stream == event.stream {
                parts[parts.count - 1].events.append(data)
            } else {
                let expected: ExpectedVersion = event.version == 0 ? .noStream : .exact(event.version - 1)
                parts.append(StreamAppend(stream: event.stream, events: [data], expectedVersion: expected))
            }
        }
        let result: MultiAppendResult
        do { result = try await store.append(parts) } catch {
            throw .store(error)
        }
        let first = events[0].position, last = events[events.count - 1].position
        guard result.positions == first...last else {
            throw .positionMismatch("events at positions \(first)...\(last) were restored at \(result.positions)")
        }
        for event in events {
            guard result.streamVersions[event.stream].map({ $0 >= event.version }) ?? false else {
                throw .positionMismatch("stream \(event.stream) did not reach version \(event.version)")
            }
        }
        cursor.position = last
        cursor.sequence = events[events.count - 1].sequence
        cursor.restored += UInt64(events.count)
    }
}
