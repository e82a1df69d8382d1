import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct BlockCacheTests {
    /// A decoded block of `bytes` bytes holding one zero-payload record at `position`.
    static func block(_ position: UInt64, bytes: Int) throws -> DecodedBlock {
        let entry = LogEntry(stream: "s", eventType: "t", payload: Array(repeating: 7, count: bytes - 64 - 2))
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: RecordCodec.paddedBytes(entry.encodedBytes), alignment: 16)
        let written = RecordCodec.encode(entry, position: LogPosition(position), timestamp: 1, endsBatch: true, into: raw, at: 0)
        let index = BlockIndexEntry(firstPosition: LogPosition(position), fileOffset: 64, recordCount: 1,
                                    compressedBytes: 1, rawBytes: UInt32(written), checksum: 0)
        return try DecodedBlock(adopting: raw, entry: index, file: "test", blockIndex: 0)
    }

    /// Proves the cache never holds more decoded bytes than its bound, by inserting many blocks
    /// of mixed sizes and checking the held total after each insertion.
    @Test(arguments: [0, 1000, 4096, 10_000])
    func boundIsRespected(capacity: Int) throws {
        let cache = BlockCache(capacityBytes: capacity)
        for index in 0..<50 {
            let block = try Self.block(UInt64(index + 1), bytes: 200 + (index * 397) % 3000)
            cache.insert(block, for: .init(segment: 1, block: index))
            #expect(cache.bytes <= capacity)
        }
        #expect(capacity == 0 ? cache.count == 0 : cache.count > 0)
    }

    /// Proves eviction takes the least recently used block: touching the oldest one makes the
    /// next insertion evict the second oldest instead.
    @Test func evictsLeastRecentlyUsed() throws {
        let size = try Self.block(1, bytes: 1000).byteCount
        let cache = BlockCache(capacityBytes: size * 3)
        for index in 0..<3 { cache.insert(try Self.block(UInt64(index + 1), bytes: 1000), for: .init(segment: 1, block: index)) }
        #expect(cache.block(for: .init(segment: 1, block: 0)) != nil)  // 0 becomes most recent
        cache.insert(try Self.block(4, bytes: 1000), for: .init(segment: 1, block: 3))
        #expect(cache.block(for: .init(segment: 1, block: 1)) == nil)
        #expect(cache.block(for: .init(segment: 1, block: 0)) != nil)
        #expect(cache.block(for: .init(segment: 1, block: 2)) != nil)
        #expect(cache.block(for: .init(segment: 1, block: 3)) != nil)
        #expect(cache.count == 3 && cache.bytes == size * 3)
    }

    /// Proves the cache stays consistent under concurrent lookups and insertions (run under TSan).
    @Test func concurrentUse() async throws {
        let cache = BlockCache(capacityBytes: 20_000)
        let blocks = try (0..<16).map { try Self.block(UInt64($0 + 1), bytes: 1500) }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for step in 0..<500 {
                        let index = (step * 7 + worker) % blocks.count
                        let key = BlockCache.Key(segment: 9, block: index)
                        if let found = cache.block(for: key) { precondition(found === blocks[index]) } else { cache.insert(blocks[index], for: key) }
                    }
                }
            }
        }
        #expect(cache.bytes <= 20_000)
    }
}
