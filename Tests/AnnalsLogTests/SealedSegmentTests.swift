import AnnalsTestSupport
import Synchronization
import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct SealedSegmentTests {
    static func open(_ dir: TemporaryDirectory, _ name: String, cache: BlockCache? = nil) throws -> SealedSegment {
        try SealedSegment.open(fileSystem: PosixFileSystem(), path: dir.file(name), fileName: name, cache: cache)
    }

    static func readAll(_ segment: SealedSegment) throws -> [LogRecord] {
        var records: [LogRecord] = []
        try segment.forEachRecord(from: segment.base, limit: .max, through: nil) { view in
            records.append(view.materialize())
            return true
        }
        return records
    }

    /// Proves sealing keeps every record identical: the sealed file read back equals the raw
    /// segment's records, and the footer agrees with them, for several block sizes.
    @Test(arguments: [4096, 16 * 1024, 256 * 1024])
    func roundTripKeepsEveryRecord(blockBytes: Int) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records = try SealedFixture.makeStore(dir.path, fullSegments: 1)
        let (name, end) = try SealedFixture.sealFirstSegment(dir.path, blockBytes: blockBytes)
        let segment = try Self.open(dir, name)
        let expected = records.filter { $0.position < end }
        #expect(try Self.readAll(segment) == expected)
        #expect(segment.footer.recordCount == UInt64(expected.count))
        #expect(segment.footer.firstTimestamp == expected.first?.timestamp)
        #expect(segment.footer.lastTimestamp == expected.last?.timestamp)
        #expect(segment.verify().isEmpty)
        #expect(blockBytes > 64 * 1024 || segment.blocks.count > 1)
        // Partial ranges start and stop in the middle of blocks.
        var middle: [LogPosition] = []
        try segment.forEachRecord(from: LogPosition(5), limit: 40, through: LogPosition(30)) { view in
            middle.append(view.position)
            return true
        }
        #expect(middle == (5...30).map { LogPosition(UInt64($0)) })
    }

    /// Proves a point read with a cold cache decompresses exactly one block, and a repeated
    /// read of the same block none, by counting decompressions for every position.
    @Test func pointReadDecompressesOneBlock() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records = try SealedFixture.makeStore(dir.path, fullSegments: 1)
        let (name, end) = try SealedFixture.sealFirstSegment(dir.path)
        var random = SeededRandom(seed: 42)
        for _ in 0..<50 {
            let segment = try Self.open(dir, name, cache: BlockCache(capacityBytes: 1 << 20))
            let position = LogPosition(UInt64.random(in: 1..<end.rawValue, using: &random))
            var found: LogRecord?
            try segment.forEachRecord(from: position, limit: 1, through: nil) { view in
                found = view.materialize()
                return true
            }
            #expect(found == records[Int(position.rawValue) - 1], "seed \(random.seed)")
            #expect(segment.blocksDecompressed.load(ordering: .relaxed) == 1)
            try segment.forEachRecord(from: position, limit: 1, through: nil) { _ in true }
            #expect(segment.blocksDecompressed.load(ordering: .relaxed) == 1)
        }
    }

    /// Proves a long read streams past the cache: only its first block is inserted.
    @Test func scanDoesNotFillTheCache() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try SealedFixture.makeStore(dir.path, fullSegments: 1)
        let (name, _) = try SealedFixture.sealFirstSegment(dir.path)
        let cache = BlockCache(capacityBytes: 1 << 20)
        let segment = try Self.open(dir, name, cache: cache)
        #expect(segment.blocks.count > 3)
        _ = try Self.readAll(segment)
        #expect(cache.count == 1)
        #expect(segment.blocksDecompressed.load(ordering: .relaxed) == segment.blocks.count)
    }
}
