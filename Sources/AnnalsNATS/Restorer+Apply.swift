import Annals
import AnnalsLog

extension Restorer {
    /// Applies the changes of `batch` the store lacks, in order: runs of events as atomic
    /// batches (each stream part expecting the version before its first event), each deletion
    /// on its own once the events before it are written. Changes at or before the cursor are
    /// redeliveries and are skipped. Every change must land at the source's position.
    func apply(_ batch: [ReplicatedChange], cursor: inout Cursor) async throws(ReplicationError) {
        var pending: [ReplicatedEvent] = []
        var bytes = 0
        for change in batch {
            guard change.sequence > cursor.sequence, change.position > cursor.position else { continue }
            let expected = (pending.last?.position ?? cursor.position).rawValue + 1
            guard change.position.rawValue == expected else {
                throw .positionMismatch(.init(
                    "the restored store's next position is \(expected): the source log has a record there that replication does not carry (a control record of a later version)",
                    jetStreamName: configuration.streamName, sequence: change.sequence, position: change.position))
            }
            switch change {
            case .event(let event):
                if !pending.isEmpty && (pending.count >= Self.batchEventsMax || bytes + event.data.count + event.metadata.count > Self.batchBytesMax) {
                    try await append(pending, cursor: &cursor)
                    pending.removeAll(keepingCapacity: true)
                    bytes = 0
                }
                pending.append(event)
                bytes += event.data.count + event.metadata.count
            case .deletion(let deletion, let sequence):
                if !pending.isEmpty {
                    try await append(pending, cursor: &cursor)
                    pending.removeAll(keepingCapacity: true)
                    bytes = 0
                }
                try await delete(deletion, sequence: sequence, cursor: &cursor)
            }
        }
        if !pending.isEmpty { try await append(pending, cursor: &cursor) }
    }

    /// Writes the source's deletion with its id and timestamp, and checks it landed at the
    /// source's position. The store refuses it when the stream's next version differs from the
    /// source's, so a diverged replica fails here rather than drift.
    private func delete(_ deletion: StreamDeletion, sequence: UInt64, cursor: inout Cursor) async throws(ReplicationError) {
        precondition(deletion.position.rawValue == cursor.position.rawValue + 1, "the caller checked the position")
        let position: LogPosition
        do { position = try await store.delete(replicating: deletion) } catch { throw .store(error) }
        guard position == deletion.position else {
            throw .positionMismatch(.init("the \(deletion.kind) deletion was restored at position \(position)", jetStreamName: configuration.streamName,
                                          sequence: sequence, position: deletion.position, stream: deletion.stream, eventID: deletion.id))
        }
        cursor.position = position
        cursor.sequence = sequence
        cursor.restored += 1
    }

    private func append(_ events: [ReplicatedEvent], cursor: inout Cursor) async throws(ReplicationError) {
        let parts = try streamParts(events)
        let result: MultiAppendResult
        do { result = try await store.append(parts) } catch {
            throw .store(error)
        }
        let first = events[0].position, last = events[events.count - 1].position
        guard result.positions == first...last, result.events.count == events.count else {
            throw .positionMismatch(.init("events at positions \(first)...\(last) were restored at \(result.positions)",
                                          jetStreamName: configuration.streamName, sequence: events[0].sequence, position: first))
        }
        for (event, stored) in zip(events, result.events) where stored.position != event.position || stored.streamVersion != event.version {
            throw .positionMismatch(.init("the event at version \(event.version) was restored at position \(stored.position), version \(stored.streamVersion)",
                                          jetStreamName: configuration.streamName, sequence: event.sequence, position: event.position,
                                          stream: event.stream, eventID: event.id))
        }
        cursor.position = last
        cursor.sequence = events[events.count - 1].sequence
        cursor.restored += UInt64(events.count)
    }

    /// The events as consecutive runs per stream. A run expects the version before its first
    /// event, except where that is no live version: a stream's first event, and the first event
    /// after a soft delete (a revival, which continues the versions) expect `.noStream`.
    private func streamParts(_ events: [ReplicatedEvent]) throws(ReplicationError) -> [StreamAppend] {
        var parts: [StreamAppend] = []
        var seen: Set<StreamName> = []
        for event in events {
            let data = EventData(id: event.id, type: event.type, data: event.data, metadata: event.metadata,
                                 tags: event.tags, timestampNanoseconds: event.timestampNanoseconds)
            if let last = parts.last, last.stream == event.stream {
                parts[parts.count - 1].events.append(data)
                continue
            }
            var expected: ExpectedVersion = event.version == 0 ? .noStream : .exact(event.version - 1)
            if event.version > 0 && !seen.contains(event.stream) {
                // Only the store's state before this batch can be soft-deleted: a deletion is
                // never inside a batch of events.
                let info: StreamInfo?
                do { info = try store.reader.info(stream: event.stream) } catch { throw .store(error) }
                if info?.state == .softDeleted { expected = .noStream }
            }
            seen.insert(event.stream)
            parts.append(StreamAppend(stream: event.stream, events: [data], expectedVersion: expected))
        }
        return parts
    }
}
