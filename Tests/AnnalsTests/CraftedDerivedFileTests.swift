import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals
import AnnalsLog

/// Derived files whose checksums hold but whose fields contradict each other, as only damage
/// that happens to pass a CRC32C could make them (found by reading the code behind the fuzz
/// targets of issue 15 §5). Each must be refused, never trusted or trapped on.
@Suite(.timeLimit(.minutes(10))) struct CraftedDerivedFileTests {
    /// Sets the little-endian u32 at `offset` and recomputes the header checksum at 60.
    static func withHeaderField(_ bytes: [UInt8], _ value: UInt32, at offset: Int, checksumAt checksum: Int, over covered: Range<Int>) -> [UInt8] {
        var bytes = bytes
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        let crc = CRC32C.checksum(Array(bytes[covered]))
        for index in 0..<4 { bytes[checksum + index] = UInt8(truncatingIfNeeded: crc >> (8 * index)) }
        return bytes
    }

    /// Proves an index whose filter has words but no probes (every lookup "surely absent": an
    /// idempotency check would miss a stored id) or billions of probes (one lookup spins) is refused.
    @Test func indexWithInconsistentFilterProbesIsRefused() throws {
        let bytes = DerivedIndexFileTests.sample()
        #expect(DerivedIndexFileTests.open(bytes) != nil)
        for probes: UInt32 in [0, 65, .max] {
            let crafted = Self.withHeaderField(bytes, probes, at: 36, checksumAt: 60, over: 0..<60)
            #expect(DerivedIndexFileTests.open(crafted) == nil, "\(probes) probes with a filter were accepted")
        }
        let noFilter = DerivedIndexFile.encode(kind: .stream, hashKind: 1, base: DerivedIndexFileTests.base, end: DerivedIndexFileTests.end,
                                               entries: [5, 0, 100], filter: nil)
        #expect(DerivedIndexFileTests.open(noFilter) != nil)
        #expect(DerivedIndexFileTests.open(Self.withHeaderField(noFilter, 7, at: 36, checksumAt: 60, over: 0..<60)) == nil,
                "probes without a filter were accepted")
    }

    /// Proves a heads checkpoint holding a last version of UInt64.max (whose next version would
    /// overflow and trap the next append) is refused, so the store rebuilds the heads from the log.
    @Test func headsWithNoNextVersionAreRefused() throws {
        var head = StreamHead()
        head.lastVersion = 41
        head.lastPosition = 3
        let bytes = StreamHeadsFile.encode(["order-1": head], coveredNext: LogPosition(4))
        #expect(StreamHeadsFile.decode(bytes)?.heads["order-1"] == head)
        // The entry's last version sits after the header (32), the name length (2), the name (7) and the flags (1).
        var crafted = bytes
        for index in 0..<8 { crafted[42 + index] = 0xFF }
        let body = CRC32C.checksum(Array(crafted[32...]))
        for index in 0..<4 { crafted[24 + index] = UInt8(truncatingIfNeeded: body >> (8 * index)) }
        let header = CRC32C.checksum(Array(crafted[0..<28]))
        for index in 0..<4 { crafted[28 + index] = UInt8(truncatingIfNeeded: header >> (8 * index)) }
        #expect(StreamHeadsFile.decode(crafted) == nil, "a head with no next version was accepted")
    }
}
