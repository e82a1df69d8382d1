import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct RecordCodecTests {
    /// The worked example of docs/FORMAT.md §3, byte for byte: stream "s-1", type "T",
    /// metadata "{}", payload {"a":1}, position 5, timestamp 1 s, version 2, id 00..0f, batch end.
    static let handBuilt: [UInt8] = [
        0x1b, 0xb6, 0xc8, 0x3b, 0x4d, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0xca, 0x9a, 0x3b, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        0x01, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
        0x73, 0x2d, 0x31, 0x54, 0x7b, 0x7d, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0x00, 0x00, 0x00,
    ]

    static let handBuiltEntry = LogEntry(
        stream: "s-1", eventType: "T", streamVersion: 2,
        eventID: EventID(bytes: Array(0..<16))!, metadata: Array("{}".utf8), payload: Array("{\"a\":1}".utf8))

    /// Proves the decoder reads every field of the hand-built bytes as FORMAT.md §3 says.
    @Test func decodesHandBuiltRecord() throws {
        try Self.handBuilt.withUnsafeBytes { raw in
            guard case .record(let view, let next) = RecordCodec.decode(raw, at: 0) else {
                Issue.record("hand-built record did not decode")
                return
            }
            #expect(next == 80)
            #expect(view.length == 77)
            let record = view.materialize()
            #expect(record.position == LogPosition(5))
            #expect(record.timestamp == 1_000_000_000)
            #expect(record.streamVersion == 2)
            #expect(record.eventID.description == "00010203-0405-0607-0809-0a0b0c0d0e0f")
            #expect(record.endsBatch)
            #expect(record.stream == "s-1")
            #expect(record.eventType == "T")
            #expect(record.metadata == Array("{}".utf8))
            #expect(record.payload == Array("{\"a\":1}".utf8))
            _ = try #require(Optional(record))
        }
    }

    /// Proves the encoder produces exactly the hand-built bytes.
    @Test func encodesToHandBuiltBytes() {
        var out = [UInt8](repeating: 0xAA, count: 80)
        let written = out.withUnsafeMutableBytes { raw in
            RecordCodec.encode(Self.handBuiltEntry, position: LogPosition(5), timestamp: 1_000_000_000,
                               endsBatch: true, into: raw, at: 0)
        }
        #expect(written == 80)
        #expect(out == Self.handBuilt)
    }

    /// Proves a flipped bit anywhere in the checksummed bytes is detected, never decoded as data.
    @Test(arguments: 0..<77)
    func bitFlipIsDetected(byte: Int) {
        for bit in 0..<8 {
            var bytes = Self.handBuilt
            bytes[byte] ^= UInt8(1 << bit)
            let result = bytes.withUnsafeBytes { RecordCodec.decode($0, at: 0) }
            switch result {
            case .record: Issue.record("flip of byte \(byte) bit \(bit) decoded as a record")
            case .invalid, .truncated, .endOfData: break
            }
        }
    }

    /// Proves every prefix of the record is reported as truncated, never as a record.
    @Test func everyPrefixIsTruncated() {
        for length in 0..<77 {
            let result = Array(Self.handBuilt[0..<length]).withUnsafeBytes { RecordCodec.decode($0, at: 0) }
            guard case .truncated = result else {
                Issue.record("prefix of \(length) bytes gave \(result)")
                continue
            }
        }
    }

    /// Proves zeros where a header would be read as the end of data.
    @Test func zerosAreEndOfData() {
        let zeros = [UInt8](repeating: 0, count: 64)
        guard case .endOfData = zeros.withUnsafeBytes({ RecordCodec.decode($0, at: 0) }) else {
            Issue.record("zeros were not end of data")
            return
        }
    }

    /// Proves the limits are enforced with `.invalidArgument`: oversize record, empty stream,
    /// long type, and log-reserved flag bits.
    @Test func limitsAreEnforced() {
        let cases: [LogEntry] = [
            LogEntry(stream: "s", eventType: "T", payload: [UInt8](repeating: 1, count: Format.recordBytesMax)),
            LogEntry(stream: "", eventType: "T", payload: []),
            LogEntry(stream: "s", eventType: String(repeating: "t", count: Format.eventTypeBytesMax + 1), payload: []),
            LogEntry(stream: "s", eventType: "T", flags: 0x0001, payload: []),
        ]
        for entry in cases {
            #expect(throws: LogError.self) { try RecordCodec.validate(entry) }
        }
    }
}
