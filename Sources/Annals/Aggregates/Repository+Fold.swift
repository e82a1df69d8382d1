#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AnnalsLog
import Logging

extension Repository {
    /// Folds the stream up to `version` (nil: to its end), from the newest usable snapshot.
    func fold(id: String, upTo version: UInt64?) async throws(AggregateError) -> Loaded<A> {
        let stream = A.streamName(for: id)
        let info: StreamInfo?
        do { info = try store.info(stream: stream) } catch { throw AggregateError(error) }
        switch info?.state {
        case .softDeleted: throw .store(.streamDeleted(stream))
        case .tombstoned: throw .store(.streamTombstoned(stream))
        case .live, nil: break
        }
        guard let info, let last = info.version, info.eventCount > 0 else {
            return Loaded(id: id, state: A(), version: nil, eventsReplayed: 0, eventsSinceSnapshot: 0)
        }
        // A snapshot from before a soft delete describes events that no longer count.
        let firstReadable = last + 1 - info.eventCount
        let target = min(version ?? last, last)
        var state = A()
        var from = firstReadable
        let snapshots = self.snapshots
        let newest = await BlockingExecutor.shared.run { @Sendable in
            snapshots.newest(for: stream, schemaVersion: A.schemaVersion, atOrBelow: target)
        }
        if let entry = newest, entry.streamVersion >= firstReadable, let decoded = decodeState(entry, stream: stream) {
            state = decoded
            from = entry.streamVersion + 1
        }
        var replayed = 0
        var folded = from == firstReadable ? nil : from - 1
        if from <= target {
            let events: [RecordedEvent]
            do { events = try await store.read(stream: stream, fromVersion: from, limit: Int(clamping: target - from + 1)) } catch { throw AggregateError(error) }
            for event in events where event.version <= target {
                state.apply(try codec.decode(event))
                folded = event.version
                replayed += 1
            }
        }
        return Loaded(id: id, state: state, version: folded, eventsReplayed: replayed, eventsSinceSnapshot: replayed)
    }

    /// Writes a snapshot when `A.snapshotInterval` events were folded since the last one.
    /// A failed snapshot write is logged, not thrown: the save or load it follows succeeded, and
    /// snapshots only make later loads faster.
    func snapshotIfDue(_ loaded: inout Loaded<A>) async throws(AggregateError) {
        guard let interval = A.snapshotInterval, loaded.eventsSinceSnapshot >= interval else { return }
        do { try await writeSnapshot(&loaded) } catch {
            snapshots.logger.warning("snapshot not written", metadata: ["stream": "\(loaded.stream)", "error": "\(error)"])
        }
    }

    func writeSnapshot(_ loaded: inout Loaded<A>) async throws(AggregateError) {
        guard let version = loaded.version else { return }
        let state: [UInt8]
        do { state = Array(try Self.stateEncoder.encode(loaded.state)) } catch {
            throw .encoding(.init("cannot encode the state of \(A.self) for a snapshot: \(error)", stream: loaded.stream, version: version))
        }
        let entry = SnapshotEntry(streamVersion: version, schemaVersion: UInt32(A.schemaVersion), state: state)
        let (snapshots, stream) = (self.snapshots, loaded.stream)
        do {
            try await BlockingExecutor.shared.run { () throws(LogError) in try snapshots.save(entry, for: stream) }
        } catch {
            throw .store(EventStoreError(error))
        }
        loaded.eventsSinceSnapshot = 0
    }

    private func decodeState(_ entry: SnapshotEntry, stream: StreamName) -> A? {
        do { return try JSONDecoder().decode(A.self, from: Data(entry.state)) } catch {
            snapshots.logger.warning("ignoring a snapshot whose state does not decode", metadata: [
                "stream": "\(stream)", "version": "\(entry.streamVersion)", "error": "\(error)",
            ])
            return nil
        }
    }

    private static var stateEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
