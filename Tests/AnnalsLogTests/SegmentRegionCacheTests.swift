import AnnalsTestSupport
import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct SegmentRegionCacheTests {
    /// Proves short reads served from cached index regions equal a full scan, record for record,
    /// across full and active raw segments, and that the regions land in the block cache.
    @Test func pointReadsMatchAScan() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(durability: .none, segmentBytes: 64 * 1024))
        for batch in 0..<60 { try log.append(Entries.make(25, stream: "s-\(batch % 7)", tag: batch)) }
        let all = try log.read(from: .first, limit: 10_000)
        var random = SeededRandom(seed: 7)
        for _ in 0..<2_000 {
            let position = UInt64.random(in: 1...UInt64(all.count), using: &random)
            let limit = Int.random(in: 1...40, using: &random)
            let got = try log.read(from: LogPosition(position), limit: limit)
            let want = Array(all[Int(position - 1)..<min(all.count, Int(position - 1) + limit)])
            #expect(got == want, "seed 7, position \(position), limit \(limit)")
        }
        #expect(log.blockCache.count > 0)
        try log.close()
    }

    /// Proves a flipped bit inside a cached region's records is reported as corruption naming
    /// the segment, and never returned as data.
    @Test func corruptRegionIsReported() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 64 * 1024))
        for batch in 0..<40 { try log.append(Entries.make(25, tag: batch)) }
        try log.close()
        let name = FileBytes.names(in: dir.path, suffix: ".log")[0]
        FileBytes.flipBit(dir.file(name), byte: 64 + 64 + 10, bit: 5)  // inside the first record's body
        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 64 * 1024))
        defer { try? log.close() }
        do {
            _ = try log.record(at: .first)
            Issue.record("a corrupt record was returned")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.file == name)
        }
        #expect(try log.record(at: LogPosition(900)) != nil)  // other regions still read
    }
}
