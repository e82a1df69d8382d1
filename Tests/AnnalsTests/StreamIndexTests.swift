import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct StreamIndexTests {
    /// Proves interleaved streams read back exactly across many small segments, forward and backward, before and after reopen.
    @Test(arguments: [nil, 7 as UInt64])
    func streamReadsAcrossManySegments(constantHash: UInt64?) async throws {
        var hash: (@Sendable (String) -> UInt64)?
        if let constantHash { hash = { @Sendable _ in constantHash } }
        let dir = TemporaryDirectory("annals-sidx")
        defer { dir.remove() }
        var random = SeededRandom(seed: 42)
        var expected: [String: [UUID]] = [:]
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments(hash: hash))
        for index in 0..<150 {
            let stream = "order-\(Int.random(in: 0..<6, using: &random))"
            let events = Fixtures.events(Int.random(in: 1...3, using: &random), tag: "\(index)")
            try await store.append(to: StreamName(stream), events)
            expected[stream, default: []] += events.map(\.id)
        }
        #expect(store.log.segmentBases().count > 5)
        for reopen in [false, true] {
            if reopen {
                try await store.close()
                store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments(hash: hash))
            }
            for (stream, ids) in expected {
                let forward = try await store.read(stream: StreamName(stream))
                #expect(forward.map(\.id) == ids, "stream \(stream) reopen \(reopen)")
                #expect(forward.map(\.version) == Array(0..<UInt64(ids.count)))
                let backward = try await store.read(stream: StreamName(stream), direction: .backward, limit: 5)
                #expect(backward.map(\.id) == Array(ids.reversed().prefix(5)))
                let middle = try await store.read(stream: StreamName(stream), fromVersion: 2, limit: 3)
                #expect(middle.map(\.version) == Array(2..<min(5, UInt64(ids.count))))
            }
        }
        try await store.close()
    }

    /// Proves a full segment's .sidx lists only its own streams: a read of a rare stream checks few segments thanks to the filter.
    @Test func segmentFilterSkipsSegmentsWithoutTheStream() async throws {
        try await withStore(Fixtures.smallSegments()) { store, _ in
            try await store.append(to: "rare", Fixtures.events(1))
            for index in 0..<250 { try await store.append(to: "busy", Fixtures.events(2, tag: "\(index)")) }
            store.waitForIndexWrites()
            let hash = store.engine.hash("rare")
            let full = store.engine.lock.withLock { store.engine.fullSegments }
            #expect(full.count > 5)
            let holding = full.filter { segment in
                var found: [VersionedPosition] = []
                segment.appendEntries(hash: hash, versions: 0...UInt64.max, to: &found)
                return !found.isEmpty
            }
            #expect(holding.map(\.base) == [LogPosition.first])
            let maybe = full.filter { $0.streams.mayContain(hash) }
            #expect(maybe.count <= 3)
        }
    }

    /// Proves missing or corrupted index files and heads checkpoint are rebuilt on open, reported, and reads stay right.
    @Test(arguments: ["sidx", "eidx", "tidx", "qidx", "heads"])
    func damagedDerivedFilesAreRebuilt(kind: String) async throws {
        let dir = TemporaryDirectory("annals-rebuild")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        var stored: [EventData] = []
        for index in 0..<40 {
            let events = Fixtures.events(2, tag: "\(index)").map { EventData(id: $0.id, type: $0.type, data: $0.data, tags: ["k:\(index % 4)"]) }
            try await store.append(to: "s", events)
            stored += events
        }
        try await store.close()
        let names = try PosixFileSystem().list(dir.path)
        let victims = kind == "heads" ? ["streams.heads"] : names.filter { $0.hasSuffix("." + kind) }.sorted()
        #expect(!victims.isEmpty)
        // Corrupt the first file in the middle, remove the second.
        let target = dir.file(victims[0])
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: target)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        if victims.count > 1 { try FileManager.default.removeItem(atPath: dir.file(victims[1])) }
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        if kind == "heads" {
            #expect(store.openReport.headsRebuilt)
        } else {
            #expect(store.openReport.indexesRebuilt.contains(victims[0]))
            if victims.count > 1 { #expect(store.openReport.indexesRebuilt.contains(victims[1])) }
        }
        #expect(try await store.read(stream: "s").map(\.id) == stored.map(\.id))
        #expect(try await store.read(EventQuery(tags: ["k:1"])).map(\.id) == stored.filter { $0.tags == ["k:1"] }.map(\.id))
        #expect(store.verify().isHealthy)
        let again = try await store.append(to: "s", Array(stored[0..<2]))
        #expect(again.positions == LogPosition(1)...LogPosition(2))
        try await store.close()
    }

    /// Proves index files made with another hash function are rebuilt rather than trusted.
    @Test func indexesFromAnotherHashAreRebuilt() async throws {
        let dir = TemporaryDirectory("annals-hash")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments(hash: { _ in 1 }))
        for index in 0..<30 { try await store.append(to: "s-\(index % 2)", Fixtures.events(2)) }
        try await store.close()
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        #expect(store.openReport.indexesRebuilt.contains { $0.hasSuffix(".sidx") })
        #expect(try await store.read(stream: "s-1").count == 30)
        try await store.close()
    }
}
