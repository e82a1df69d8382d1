import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct StoreEngineTests {
    /// Proves a clean reopen reads only the active segment (the heads checkpoint covers the rest) and rebuilds nothing.
    @Test func cleanOpenScansOnlyTheActiveSegment() async throws {
        let dir = TemporaryDirectory("annals-open")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        for index in 0..<120 { try await store.append(to: "s-\(index % 7)", Fixtures.events(2, tag: "\(index)")) }
        try await store.close()
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        let active = store.log.segmentBases().last!
        #expect(store.log.segmentBases().count > 5)
        #expect(store.openReport.recordsScanned == Int(store.log.nextPosition.rawValue - active.rawValue))
        #expect(store.openReport.indexesRebuilt.isEmpty && !store.openReport.headsRebuilt)
        try await store.close()
    }

    /// Proves a store copied while open (as a crash would leave it: stale heads, no clean close) reopens with every stream, version and stored id intact.
    @Test func crashCopyReopensConsistently() async throws {
        let dir = TemporaryDirectory("annals-crash")
        let copy = TemporaryDirectory("annals-crash-copy")
        defer { dir.remove(); copy.remove() }
        let store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        var batches: [(stream: StreamName, events: [EventData], result: AppendResult)] = []
        for index in 0..<150 {
            let stream = StreamName("s-\(index % 5)")
            let events = Fixtures.events(2, tag: "\(index)")
            batches.append((stream, events, try await store.append(to: stream, events)))
            if index == 60 { try await store.softDelete(stream: "s-4") }
        }
        store.waitForIndexWrites()  // a copy taken while a file is renamed could miss it
        for name in try PosixFileSystem().list(dir.path) where name != "LOCK" {
            try FileManager.default.copyItem(atPath: dir.file(name), toPath: copy.file(name))
        }
        let infos = try store.streams()
        try await store.close()
        let reopened = try await EventStore.open(directory: copy.path, options: Fixtures.smallSegments())
        #expect(!reopened.openReport.log.cleanShutdown)
        #expect(try reopened.streams() == infos)
        for batch in batches.suffix(20) {
            let again = try await reopened.append(to: batch.stream, batch.events, expectedVersion: .exact(0))
            #expect(again == batch.result.replayed)
        }
        let s0 = try await reopened.read(stream: "s-0")
        #expect(s0.map(\.version) == Array(0..<60))
        #expect(try reopened.info(stream: "s-4")?.eventCount == 36)
        #expect(try await reopened.read(stream: "s-4").first?.version == 24)
        try await reopened.close()
    }
}
