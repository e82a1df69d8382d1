import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct EventStoreDeletionTests {
    /// Proves a soft-deleted stream reads as deleted, refuses .exact and .streamExists, and a .noStream append revives it with versions continuing.
    @Test func softDeleteThenRevive() async throws {
        try await withStore { store, _ in
            try await store.append(to: "cart-1", Fixtures.events(3))
            try await store.softDelete(stream: "cart-1", expectedVersion: .exact(2))
            await #expect(throws: EventStoreError.streamDeleted("cart-1")) { try await store.read(stream: "cart-1") }
            #expect(try store.info(stream: "cart-1")?.state == .softDeleted)
            await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "cart-1", expected: .exact(2), actual: nil)) {
                try await store.append(to: "cart-1", Fixtures.events(1), expectedVersion: .exact(2))
            }
            let revived = try await store.append(to: "cart-1", Fixtures.events(2, tag: "r"), expectedVersion: .noStream)
            #expect(revived.streamVersion == 4)
            let read = try await store.read(stream: "cart-1")
            #expect(read.map(\.version) == [3, 4])
            #expect(try store.info(stream: "cart-1")?.eventCount == 2)
            // Global reads skip the delete record.
            #expect(try await store.readAll().count == 5)
        }
    }

    /// Proves a hard delete refuses the name forever, including after a restart, for appends, reads and further deletes.
    @Test func hardDeleteIsForever() async throws {
        let dir = TemporaryDirectory("annals-delete")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.fast())
        try await store.append(to: "user-9", Fixtures.events(2))
        try await store.hardDelete(stream: "user-9")
        for round in 0..<2 {
            await #expect(throws: EventStoreError.streamTombstoned("user-9")) {
                try await store.append(to: "user-9", Fixtures.events(1), expectedVersion: .noStream)
            }
            await #expect(throws: EventStoreError.streamTombstoned("user-9")) { try await store.read(stream: "user-9") }
            await #expect(throws: EventStoreError.streamTombstoned("user-9")) { try await store.softDelete(stream: "user-9") }
            #expect(try store.info(stream: "user-9")?.state == .tombstoned, "round \(round)")
            try await store.close()
            store = try await EventStore.open(directory: dir.path, options: Fixtures.fast())
        }
        try await store.close()
    }

    /// Proves deletion state is rebuilt from the log when the heads checkpoint is lost.
    @Test func deletionSurvivesHeadsRebuild() async throws {
        let dir = TemporaryDirectory("annals-delete")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        try await store.append(to: "a", Fixtures.events(2))
        try await store.append(to: "b", Fixtures.events(2))
        try await store.softDelete(stream: "a")
        try await store.hardDelete(stream: "b")
        for index in 0..<60 { try await store.append(to: "filler", Fixtures.events(2, tag: "\(index)")) }
        try await store.close()
        try FileManager.default.removeItem(atPath: dir.file("streams.heads"))
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        #expect(store.openReport.headsRebuilt)
        #expect(try store.info(stream: "a")?.state == .softDeleted)
        #expect(try store.info(stream: "b")?.state == .tombstoned)
        #expect(try store.info(stream: "filler")?.version == 119)
        try await store.close()
    }

    /// Proves soft-deleting a stream that was never written fails without writing.
    @Test func softDeleteOfMissingStreamFails() async throws {
        try await withStore { store, _ in
            await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "nope", expected: .any, actual: nil)) {
                try await store.softDelete(stream: "nope")
            }
            #expect(store.log.nextPosition == .first)
        }
    }
}
