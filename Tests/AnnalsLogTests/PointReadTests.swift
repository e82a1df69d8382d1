import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// `Log.forEachRecord(at:)`: the records at scattered positions, in one pass, equal to reading
/// each alone, across raw and sealed segments and the active segment's growing tail.
@Suite(.timeLimit(.minutes(5))) struct PointReadTests {
    static func positions(_ count: Int, upTo last: Int, using random: inout SeededRandom) -> [LogPosition] {
        Set((0..<count).map { _ in UInt64.random(in: 1...UInt64(last), using: &random) }).sorted().map { LogPosition($0) }
    }

    /// Proves random sets of positions read back exactly the records a full scan holds there,
    /// before and after the full segments are sealed.
    @Test func scatteredPositionsMatchAScan() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(durability: .none, segmentBytes: 64 * 1024))
        defer { try? log.close() }
        for batch in 0..<60 { try log.append(Entries.make(25, stream: "s-\(batch % 7)", tag: batch)) }
        var random = SeededRandom(seed: 11)
        for round in 0..<2 {
            let all = try log.read(from: .first, limit: 10_000)
            for _ in 0..<300 {
                let wanted = Self.positions(Int.random(in: 1...30, using: &random), upTo: all.count, using: &random)
                var got: [LogRecord] = []
                let passed = try log.forEachRecord(at: wanted) { view in
                    got.append(view.materialize())
                    return true
                }
                #expect(passed == wanted.count)
                #expect(got == wanted.map { all[Int($0.rawValue - 1)] }, "seed 11, round \(round)")
            }
            if round == 0 { _ = try log.sealFullSegments() }
        }
    }

    /// Proves the read stops where `body` says, and at the first position not committed.
    @Test func stopsAtTheBodyAndAtTheEnd() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(durability: .none, segmentBytes: 64 * 1024))
        defer { try? log.close() }
        for batch in 0..<10 { try log.append(Entries.make(10, tag: batch)) }
        var seen: [LogPosition] = []
        let stopped = try log.forEachRecord(at: ([3, 50, 70, 99] as [UInt64]).map { LogPosition($0) }) { view in
            seen.append(view.position)
            return seen.count < 2
        }
        #expect(stopped == 2 && seen.map(\.rawValue) == [3, 50])
        seen = []
        let ended = try log.forEachRecord(at: ([99, 100, 101, 500] as [UInt64]).map { LogPosition($0) }) { view in
            seen.append(view.position)
            return true
        }
        #expect(ended == 2 && seen.map(\.rawValue) == [99, 100])
    }
}
