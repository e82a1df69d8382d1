import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals

@Suite(.timeLimit(.minutes(10))) struct SnapshotTests {
    /// Proves, over many seeded random histories and snapshot points, that loading at any version from snapshot plus tail equals the full fold, and uses the newest kept snapshot at or below it.
    @Test(arguments: [1, 2, 3, 4]) func snapshotPlusTailEqualsFullFold(seed: UInt64) async throws {
        try await withStore { store, _ in
            var random = SeededRandom(seed: seed)
            let tallies = Repository<Tally>(store: store)
            for history in 0..<10 {
                let id = "h\(history)"
                let count = Int.random(in: 1...90, using: &random)
                let events = (0..<count).map { _ in TallyEvent.random(using: &random) }
                var offset = 0
                while offset < count {  // saved in random-sized batches
                    let size = min(count - offset, Int.random(in: 1...12, using: &random))
                    try await tallies.save(id: id, events: Array(events[offset..<(offset + size)]), expectedVersion: .any)
                    offset += size
                }
                let points = (0..<Int.random(in: 0...12, using: &random)).map { _ in UInt64.random(in: 0..<UInt64(count), using: &random) }
                for point in points {  // taken in random order
                    var loaded = try await tallies.load(id: id, atVersion: point)
                    try await tallies.writeSnapshot(&loaded)
                }
                let kept = Array(Set(points).sorted().suffix(SnapshotFile.entriesMax))
                for _ in 0..<8 {
                    let version = UInt64.random(in: 0..<UInt64(count), using: &random)
                    var expected = Tally()
                    expected.apply(contentsOf: events[0...Int(version)])
                    let loaded = try await tallies.load(id: id, atVersion: version)
                    let base = kept.last { $0 <= version }
                    #expect(loaded.state == expected, "seed \(seed) history \(history) version \(version) points \(points)")
                    #expect(loaded.version == version)
                    #expect(loaded.eventsReplayed == base.map { Int(version - $0) } ?? Int(version) + 1,
                            "seed \(seed) history \(history): replayed from the newest kept snapshot")
                }
            }
        }
    }

    /// Proves an aggregate with an interval snapshots every N events, and a load then replays fewer than N.
    @Test func intervalSnapshotsBoundTheTail() async throws {
        try await withStore { store, dir in
            let tallies = Repository<TallyEvery5>(store: store)
            var loaded = try await tallies.load(id: "a")
            for amount in 1...23 { loaded = try await tallies.save([.added(.init(amount: amount))], to: loaded) }
            let fresh = try await tallies.load(id: "a")
            #expect(fresh.state == loaded.state && fresh.version == 22)
            #expect(fresh.eventsReplayed == 3)  // snapshots at versions 4, 9, 14, 19
            let file = dir.file("snapshots/" + SnapshotFile.fileName(for: "tally5-a"))
            let decoded = try #require(SnapshotFile.decode(FileBytes.read(file)))
            #expect(decoded.entries.map(\.streamVersion) == [4, 9, 14, 19])
        }
    }

    /// Proves a snapshot from another schema version is ignored, and the load folds from the start.
    @Test func otherSchemaVersionIsIgnored() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            try await tallies.save(id: "a", events: (1...4).map { .added(.init(amount: $0)) }, expectedVersion: .noStream)
            let bogus = Array(#"{"total":999,"history":[]}"#.utf8)
            try tallies.snapshots.save(SnapshotEntry(streamVersion: 3, schemaVersion: 2, state: bogus), for: "tally-a")
            let loaded = try await tallies.load(id: "a")
            #expect(loaded.state.total == 10 && loaded.eventsReplayed == 4)
        }
    }

    /// Proves a corrupt snapshot file (any byte flipped, or truncated) is never trusted: the load folds every event and the logger reports it.
    @Test(arguments: [0, 5, 13, 17, 21, 30, 40, -1])
    func corruptSnapshotIsIgnoredAndReported(byte: Int) async throws {
        let recorder = RecordingLogHandler()
        try await withStore(recorder.options()) { store, dir in
            let tallies = Repository<Tally>(store: store)
            try await tallies.save(id: "a", events: (1...4).map { .added(.init(amount: $0)) }, expectedVersion: .noStream)
            try await tallies.snapshot(id: "a")
            #expect(try await tallies.load(id: "a").eventsReplayed == 0)
            let file = dir.file("snapshots/" + SnapshotFile.fileName(for: "tally-a"))
            var bytes = FileBytes.read(file)
            if byte < 0 { bytes.removeLast() } else { bytes[byte] ^= 0x40 }
            FileBytes.write(file, bytes)
            let loaded = try await tallies.load(id: "a")
            #expect(loaded.state.total == 10 && loaded.eventsReplayed == 4)
            #expect(recorder.messages.contains { $0.contains("corrupt snapshot") })
        }
    }

    /// Proves a snapshot taken before a soft delete is not used after the stream is revived.
    @Test func snapshotBeforeSoftDeleteIsNotUsed() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            try await tallies.save(id: "a", events: [.added(.init(amount: 5))], expectedVersion: .noStream)
            try await tallies.snapshot(id: "a")
            try await store.softDelete(stream: "tally-a")
            try await tallies.save(id: "a", events: [.added(.init(amount: 7))], expectedVersion: .noStream)
            let loaded = try await tallies.load(id: "a")
            #expect(loaded.state.history == [7] && loaded.version == 1)  // revived at the next version
        }
    }
}
