import AnnalsTestSupport
import Foundation
import Synchronization
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// A clock the test moves by hand, in nanoseconds.
final class ManualClock: Sendable {
    let now = Atomic<Int64>(1_000_000_000)
    func advance(_ nanoseconds: Int64) { now.add(nanoseconds, ordering: .relaxed) }
    var read: @Sendable () -> Int64 { { [self] in now.load(ordering: .relaxed) } }
}

@Suite(.timeLimit(.minutes(10))) struct TimeIndexTests {
    /// Proves "first position at or after T" matches a brute-force scan for every probe time, across full and open segments and after reopen.
    @Test func firstPositionAtOrAfterMatchesBruteForce() async throws {
        let clock = ManualClock()
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: 4096, clock: clock.read))
        let dir = TemporaryDirectory("annals-tidx")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: options)
        var random = SeededRandom(seed: 7)
        for index in 0..<400 {
            clock.advance(Int64.random(in: 0...3, using: &random) * 1000)
            try await store.append(to: "s-\(index % 5)", Fixtures.events(1, tag: "\(index)"))
        }
        #expect(store.log.segmentBases().count > 5)
        for reopen in [false, true] {
            if reopen {
                try await store.close()
                store = try await EventStore.open(directory: dir.path, options: options)
            }
            let all = try await store.readAll()
            let first = all.first!.timestampNanoseconds
            let last = all.last!.timestampNanoseconds
            for probe in stride(from: first - 500, through: last + 1500, by: 700) {
                let expected = all.first { $0.timestampNanoseconds >= probe }?.position
                let date = Date(timeIntervalSince1970: Double(probe) / 1e9)
                // Go through the engine with exact nanoseconds (a Date loses sub-microsecond precision).
                let found = try store.engine.firstPosition(atOrAfter: probe)
                #expect(found == expected, "probe \(probe) reopen \(reopen)")
                _ = date
            }
        }
        try await store.close()
    }

    /// Proves a stream read as of a date holds exactly the events committed at or before then.
    @Test func streamAsOfDate() async throws {
        let clock = ManualClock()
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: 4096, clock: clock.read))
        try await withStore(options) { store, _ in
            for index in 0..<60 {
                clock.advance(1_000_000_000)  // one second per append, so Date precision is plenty
                try await store.append(to: index % 2 == 0 ? "even" : "odd", Fixtures.events(1, tag: "\(index)"))
            }
            let all = try await store.read(stream: "even")
            let cutoff = all[10]
            let asOf = try await store.read(stream: "even", asOf: cutoff.date)
            #expect(asOf.map(\.version) == Array(0...10))
            let before = try await store.read(stream: "even", asOf: Date(timeIntervalSince1970: 0))
            #expect(before.isEmpty)
            let after = try await store.firstPosition(atOrAfter: cutoff.date)
            #expect(after == cutoff.position)
        }
    }
}
