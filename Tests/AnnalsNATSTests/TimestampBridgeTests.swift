@testable import AnnalsNATS
import Annals
import AnnalsTestSupport
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1))) struct TimestampBridgeTests {
    /// Proves a nanosecond commit time passed through EventData's Date is stored in the same
    /// millisecond, within 256 ns (the grid of Doubles near 2026), and that the order of timestamps is kept, by appending
    /// backdated events to a store and reading them back.
    @Test func storedTimestampKeepsTheMillisecondAndTheOrder() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        var random = SeededRandom(seed: 13)
        var targets: [Int64] = [1_700_000_000_000_000_000, 1_764_000_000_999_999_999, 1_764_000_001_000_000_000]
        var next: Int64 = 1_764_000_002_000_000_000
        for _ in 0..<300 {
            next += Int64(random.next() % 3_000_000)
            targets.append(next)
        }
        let events = targets.map { EventData(type: "T", data: [1], timestamp: TimestampBridge.date(forNanoseconds: $0)) }
        try await store.append(to: "s", events)
        let stored = try await store.readAll().map(\.timestampNanoseconds)
        try await store.close()
        #expect(stored.count == targets.count)
        for (target, got) in zip(targets, stored) {
            #expect(target / 1_000_000 == got / 1_000_000, "\(target) stored as \(got)")
            #expect(abs(target - got) <= 256, "\(target) stored as \(got)")
        }
        #expect(stored == stored.sorted())
    }
}
