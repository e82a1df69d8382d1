import AnnalsTestSupport
import Testing
@testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct SnapshotFileTests {
    /// The worked example of docs/FORMAT.md §8: stream `t-1`, one snapshot at stream
    /// version 2, schema version 1, state `{}`.
    static let example: [UInt8] = [
        0x41, 0x4E, 0x53, 0x50,  // magic "ANSP"
        0x01, 0x00,  // format version 1
        0x01, 0x00,  // 1 entry
        0x03, 0x00, 0x00, 0x00,  // stream name: 3 bytes
        0x15, 0x00, 0x00, 0x00,  // body: 21 bytes
        0x42, 0x24, 0x95, 0xDE,  // body CRC32C 0xDE952442
        0x81, 0xF1, 0x10, 0x10,  // header CRC32C 0x1010F181
        0x74, 0x2D, 0x31,  // "t-1"
        0x02, 0, 0, 0, 0, 0, 0, 0,  // stream version 2
        0x01, 0x00, 0x00, 0x00,  // schema version 1
        0x02, 0x00, 0x00, 0x00,  // state: 2 bytes
        0x7B, 0x7D,  // "{}"
    ]

    static func withChecksums(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let body = CRC32C.checksum(Array(bytes[24...]))
        for index in 0..<4 { bytes[16 + index] = UInt8(truncatingIfNeeded: body >> (8 * index)) }
        let header = CRC32C.checksum(Array(bytes[0..<20]))
        for index in 0..<4 { bytes[20 + index] = UInt8(truncatingIfNeeded: header >> (8 * index)) }
        return bytes
    }

    /// Proves the encoder writes exactly the documented bytes (checksums included), and the decoder reads them back.
    @Test func matchesTheDocumentedLayout() throws {
        let expected = Self.example
        #expect(Self.withChecksums(expected) == expected)
        let entry = SnapshotEntry(streamVersion: 2, schemaVersion: 1, state: Array("{}".utf8))
        #expect(SnapshotFile.encode(stream: "t-1", entries: [entry]) == expected)
        let decoded = try #require(SnapshotFile.decode(expected))
        #expect(decoded.stream == "t-1" && decoded.entries == [entry])
    }

    /// Proves every single-bit flip anywhere in a file, and every truncation, is rejected.
    @Test func everyFlipAndTruncationIsRejected() {
        let good = SnapshotFile.encode(stream: "order-17", entries: [
            SnapshotEntry(streamVersion: 4, schemaVersion: 1, state: Array(#"{"a":1}"#.utf8)),
            SnapshotEntry(streamVersion: 9, schemaVersion: 1, state: Array(#"{"a":2}"#.utf8)),
        ])
        #expect(SnapshotFile.decode(good) != nil)
        for byte in good.indices {
            for bit in 0..<8 {
                var bad = good
                bad[byte] ^= UInt8(1 << bit)
                #expect(SnapshotFile.decode(bad) == nil, "flip at byte \(byte) bit \(bit)")
            }
        }
        for length in 0..<good.count {
            #expect(SnapshotFile.decode(Array(good[0..<length])) == nil, "truncated to \(length)")
        }
    }

    /// Proves entries out of order are rejected even when the checksums match.
    @Test func entriesOutOfOrderAreRejected() {
        var bytes = Self.example
        bytes.append(contentsOf: [0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0x02, 0, 0, 0, 0x7B, 0x7D])  // version 1 after 2
        bytes[6] = 2
        bytes[12] = 0x15 + 18
        #expect(SnapshotFile.decode(Self.withChecksums(bytes)) == nil)
    }

    /// Proves short stream names map to their hex, long ones to a fixed-length hashed name, both valid file names.
    @Test(arguments: ["a", "order-17", String(repeating: "x", count: 101), String(repeating: "é", count: 512)])
    func fileNames(stream: String) {
        let name = SnapshotFile.fileName(for: StreamName(stream))
        #expect(name.hasSuffix(".snapshot") && !name.contains("/") && name.utf8.count <= 255)
        if stream.utf8.count <= 100 { #expect(name.count == stream.utf8.count * 2 + 9) } else { #expect(name.hasPrefix("h")) }
    }
}
