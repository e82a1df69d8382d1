import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct StoreChangeTests {
    /// Writes events, a soft delete, a revival and a hard delete; returns the deletion positions.
    private func fillWithDeletions(_ store: EventStore) async throws -> (soft: LogPosition, hard: LogPosition) {
        try await store.append(to: "cart-1", Fixtures.events(3))                       // 1...3
        try await store.append(to: "user-2", Fixtures.events(2))                       // 4...5
        let soft = try await store.softDelete(stream: "cart-1")                        // 6
        try await store.append(to: "cart-1", Fixtures.events(1, tag: "r"), expectedVersion: .noStream)  // 7
        let hard = try await store.hardDelete(stream: "user-2")                        // 8
        return (soft, hard)
    }

    /// Proves readChanges yields every position in order, events and deletions both, with each
    /// deletion's kind, stream, truncation and timestamp, while readAll still skips deletions.
    @Test func readChangesYieldsEventsAndDeletionsInOrder() async throws {
        try await withStore { store, _ in
            let (soft, hard) = try await fillWithDeletions(store)
            let changes = try store.reader.readChanges()
            #expect(changes.map(\.position.rawValue) == Array(1...8))
            guard case .deletion(let softDeletion) = changes[Int(soft.rawValue) - 1],
                  case .deletion(let hardDeletion) = changes[Int(hard.rawValue) - 1] else {
                Issue.record("positions \(soft) and \(hard) are not deletions: \(changes)")
                return
            }
            #expect(softDeletion.kind == .soft && softDeletion.stream == "cart-1" && softDeletion.truncateBefore == 3)
            #expect(hardDeletion.kind == .hard && hardDeletion.stream == "user-2" && hardDeletion.truncateBefore == 2)
            #expect(softDeletion.timestampNanoseconds >= changes[4].timestampNanoseconds)
            #expect(try await store.readAll().count == 6)
            let events = changes.compactMap { change -> RecordedEvent? in
                if case .event(let event) = change { return event }
                return nil
            }
            #expect(events == (try await store.readAll()))
            #expect(try store.reader.readChanges(fromPosition: soft, limit: 2).map(\.position) == [soft, soft.advanced(by: 1)])
            #expect(try store.reader.readChanges(fromPosition: LogPosition(9)).isEmpty)
        }
    }

    /// Proves a change subscription delivers the history with its deletions, then a live
    /// deletion and a live event, with no gap and no duplicate.
    @Test func changeSubscriptionDeliversHistoryThenLiveDeletions() async throws {
        try await withStore { store, _ in
            _ = try await fillWithDeletions(store)
            let subscription = try store.subscribeToChanges(from: .start)
            let collector = Task {
                var seen: [StoreChange] = []
                for try await change in subscription {
                    seen.append(change)
                    if seen.count == 10 { break }
                }
                return seen
            }
            try await store.softDelete(stream: "cart-1")                                // 9
            try await store.append(to: "cart-1", Fixtures.events(1, tag: "s"))          // 10
            let seen = try await collector.value
            #expect(seen.map(\.position.rawValue) == Array(1...10))
            #expect(seen == (try store.reader.readChanges()))
            guard case .deletion(let live) = seen[8] else { Issue.record("position 9 is not a deletion"); return }
            #expect(live.kind == .soft && live.truncateBefore == 4)
        }
    }

    /// Proves deletions copied with delete(replicating:) land at the same positions with the
    /// same ids and timestamps, so the copy's changes and stream infos equal the source's.
    @Test func replicatingDeletionsMakesAnIdenticalCopy() async throws {
        try await withStore { source, _ in
            _ = try await fillWithDeletions(source)
            try await withStore { copy, _ in
                for change in try source.reader.readChanges() {
                    switch change {
                    case .event(let event):
                        let data = EventData(id: event.id, type: event.type, data: event.data, metadata: event.metadata,
                                             timestampNanoseconds: event.timestampNanoseconds)
                        try await copy.append(to: event.stream, [data])
                    case .deletion(let deletion):
                        #expect(try await copy.delete(replicating: deletion) == deletion.position)
                    }
                }
                #expect(try copy.reader.readChanges() == (try source.reader.readChanges()))
                #expect(try copy.reader.streams() == (try source.reader.streams()))
            }
        }
    }

    /// Proves a copied deletion is refused, writing nothing, when the stream's next version
    /// differs from the source's (a diverged copy), and that a tombstoned stream refuses it.
    @Test func replicatingADeletionIntoADivergedStreamIsRefused() async throws {
        try await withStore { store, _ in
            try await store.append(to: "cart-1", Fixtures.events(2))
            let foreign = StreamDeletion(position: LogPosition(3), stream: "cart-1", kind: .soft, truncateBefore: 5,
                                         timestampNanoseconds: 1, id: UUID())
            await #expect(throws: EventStoreError.self) { try await store.delete(replicating: foreign) }
            #expect(store.reader.lastPosition == LogPosition(2))
            try await store.hardDelete(stream: "cart-1")
            var tombstone = foreign
            tombstone.kind = .hard
            tombstone.truncateBefore = 2
            await #expect(throws: EventStoreError.streamTombstoned("cart-1")) { try await store.delete(replicating: tombstone) }
        }
    }

    /// Proves a read-only open beside the writer reads the same changes, and that its change
    /// subscription follows a deletion the writer makes afterwards, and refuses to copy one.
    @Test func readOnlyStoreReadsAndFollowsChanges() async throws {
        let dir = TemporaryDirectory("annals-changes")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path)
        _ = try await fillWithDeletions(writer)
        let reader = try await EventStore.open(directory: dir.path, mode: .readOnly)
        #expect(try reader.reader.readChanges() == (try writer.reader.readChanges()))
        let subscription = try reader.subscribeToChanges(from: .position(LogPosition(8)))
        let collector = Task {
            var seen: [StoreChange] = []
            for try await change in subscription {
                seen.append(change)
                if seen.count == 2 { break }
            }
            return seen
        }
        let live = try await writer.softDelete(stream: "cart-1")
        let seen = try await collector.value
        #expect(seen.map(\.position) == [LogPosition(8), live])
        #expect(seen == (try writer.reader.readChanges(fromPosition: LogPosition(8))))
        guard case .deletion(let deletion) = seen[1] else { Issue.record("no live deletion: \(seen)"); return }
        await #expect(throws: EventStoreError.self) { try await reader.delete(replicating: deletion) }
        try await reader.close()
        try await writer.close()
    }
}
