import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct DerivedIndexFileTests {
    static let base = LogPosition(100)
    static let end = LogPosition(110)

    static func sample() -> [UInt8] {
        var filter = BloomFilter(keys: 2)
        filter.insert(5)
        filter.insert(9)
        return DerivedIndexFile.encode(kind: .stream, hashKind: 1, base: base, end: end,
                                       entries: [5, 0, 100, 5, 1, 101, 9, 0, 102], filter: filter)
    }

    static func open(_ bytes: [UInt8], hashKind: UInt8 = 1) -> MappedDerivedIndex? {
        MappedDerivedIndex(region: .copying(bytes), kind: .stream, base: base, end: end, hashKind: hashKind)
    }

    /// Proves an encoded file opens, answers lookups, and matches the header layout of FORMAT.md §7 byte for byte.
    @Test func roundTripAndHeaderLayout() throws {
        let bytes = Self.sample()
        #expect(Array(bytes[0..<4]) == Array("ANSI".utf8))
        #expect(bytes[4] == 1 && bytes[5] == 0 && bytes[6] == 1 && bytes[7] == 0)
        #expect(bytes[8] == 100 && bytes[16] == 110 && bytes[24] == 3)
        #expect(bytes[32] == 1 && bytes[36] == 7 && bytes[44] == 24)
        #expect(bytes.count == 64 + 8 + 3 * 24)
        let index = try #require(Self.open(bytes))
        #expect(index.entryCount == 3)
        #expect(index.lowerBound(5, 1) == 1 && index.lowerBound(6, 0) == 2)
        #expect(index.mayContain(5) && index.mayContain(9))
        #expect(Self.open(bytes, hashKind: 2) == nil)
    }

    /// Proves flipping any single byte of the file, or cutting it short, makes it fail validation (so it is rebuilt).
    @Test func everyByteFlipIsDetected() {
        let bytes = Self.sample()
        for offset in 0..<bytes.count {
            var damaged = bytes
            damaged[offset] ^= 0x01
            #expect(Self.open(damaged) == nil, "offset \(offset)")
        }
        for length in [0, 10, 63, 64, bytes.count - 1] {
            #expect(Self.open(Array(bytes[0..<length])) == nil, "length \(length)")
        }
    }

    /// Proves the heads checkpoint round-trips and rejects any flipped byte.
    @Test func headsFileRoundTripAndDamage() {
        var head = StreamHead()
        head.lastVersion = 4
        head.truncateBefore = 2
        head.lastPosition = 77
        head.lastTimestamp = 12345
        let heads = ["order-1": head, "user-2": StreamHead(tombstoned: true, lastPosition: 80)]
        let bytes = StreamHeadsFile.encode(heads, coveredNext: LogPosition(81))
        let decoded = StreamHeadsFile.decode(bytes)
        #expect(decoded?.heads == heads && decoded?.coveredNext == LogPosition(81))
        for offset in 0..<bytes.count {
            var damaged = bytes
            damaged[offset] ^= 0x10
            #expect(StreamHeadsFile.decode(damaged) == nil, "offset \(offset)")
        }
    }
}
