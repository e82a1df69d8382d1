import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct EventStoreIdempotencyTests {
    /// Proves re-appending a stored batch returns the original result and writes nothing, also after a restart and across many segments.
    @Test func retriedBatchReturnsOriginalResultAcrossRestarts() async throws {
        let dir = TemporaryDirectory("annals-idem")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        var batches: [(events: [EventData], result: AppendResult)] = []
        for index in 0..<90 {
            let events = Fixtures.events(3, tag: "\(index)")
            let result = try await store.append(to: "s-\(index % 4)", events, expectedVersion: .any)
            batches.append((events, result))
        }
        let end = store.log.nextPosition
        // Same process: ids in the open segment and in full ones.
        for (index, batch) in batches.enumerated() {
            let again = try await store.append(to: "s-\(index % 4)", batch.events, expectedVersion: .exact(999))
            #expect(again == batch.result.replayed)
        }
        #expect(store.log.nextPosition == end)
        try await store.close()
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        for (index, batch) in batches.enumerated() {
            let again = try await store.append(to: "s-\(index % 4)", batch.events, expectedVersion: .noStream)
            #expect(again == batch.result.replayed)
        }
        #expect(store.log.nextPosition == end)
        #expect(store.log.segmentBases().count > 5)
        try await store.close()
    }

    /// Proves a batch that reuses some stored ids but not all is refused and writes nothing.
    @Test func partialReuseIsAConflict() async throws {
        try await withStore { store, _ in
            let events = Fixtures.events(3)
            try await store.append(to: "s", events)
            let mixed = [events[0]] + Fixtures.events(1, tag: "new")
            await #expect(throws: EventStoreError.self) { try await store.append(to: "s", mixed) }
            do throws(EventStoreError) {
                try await store.append(to: "s", mixed)
            } catch {
                guard case .idempotencyConflict = error else { Issue.record("unexpected \(error)"); return }
            }
            #expect(store.log.nextPosition == LogPosition(4))
        }
    }

    /// Proves stored ids re-appended to a different stream are refused rather than silently accepted.
    @Test func storedIDsUnderAnotherStreamAreAConflict() async throws {
        try await withStore { store, _ in
            let events = Fixtures.events(2)
            try await store.append(to: "a", events)
            do throws(EventStoreError) {
                try await store.append(to: "b", events)
                Issue.record("the append should have failed")
            } catch {
                guard case .idempotencyConflict = error else { Issue.record("unexpected \(error)"); return }
            }
        }
    }

    /// Proves concurrent retries of one batch write it exactly once and all get the same result.
    @Test func concurrentRetriesWriteOnce() async throws {
        try await withStore { store, _ in
            let events = Fixtures.events(4)
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0..<8 { group.addTask { try await store.append(to: "s", events) } }
                return try await group.reduce(into: [AppendResult]()) { $0.append($1) }
            }
            #expect(Set(results.map(\.positions.lowerBound)).count == 1)
            #expect(store.log.nextPosition == LogPosition(5))
        }
    }

    /// Proves a batch repeating an id within itself is refused as invalid.
    @Test func duplicateIDInOneBatchIsInvalid() async throws {
        try await withStore { store, _ in
            let event = Fixtures.events(1)[0]
            do throws(EventStoreError) {
                try await store.append(to: "s", [event, event])
                Issue.record("the append should have failed")
            } catch {
                guard case .invalidArgument = error else { Issue.record("unexpected \(error)"); return }
            }
        }
    }
}
