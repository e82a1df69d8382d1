import Testing
@testable import AnnalsLog

/// The relations between format constants that Swift cannot check at compile time.
@Suite(.timeLimit(.minutes(10))) struct FormatConstantsTests {
    /// Proves each fixed structure is exactly the sum of its fields, as FORMAT.md lays out.
    @Test func headersAreTheirFieldSizes() {
        #expect(RecordHeaderLayout.payloadLength + 4 == Format.recordHeaderBytes)
        #expect(RecordHeaderLayout.size == Format.recordHeaderBytes)
        #expect(SegmentHeader.Layout.checksum + 4 == Format.segmentHeaderBytes)
        #expect(PositionIndexEntry.Layout.checksum + 4 == Format.positionIndexEntryBytes)
        #expect(PositionIndexHeader.Layout.checksum + 4 == Format.positionIndexHeaderBytes)
        #expect(CleanShutdownMarker.Layout.checksum + 4 == Format.cleanShutdownBytes)
    }

    /// Proves the limits fit the fields that carry them.
    @Test func limitsFitTheirFields() {
        #expect(Format.recordBytesMax <= Int(UInt32.max))
        #expect(Format.streamNameBytesMax <= Int(UInt16.max))
        #expect(Format.eventTypeBytesMax <= Int(UInt16.max))
        #expect(Format.segmentBytesMax <= Int(UInt32.max))  // offsets in index entries are u32
        #expect(Format.segmentBytesMin >= Format.segmentHeaderBytes + Format.recordHeaderBytes)
        #expect(Format.recordHeaderBytes % Format.recordAlignmentBytes == 0)
        #expect(Format.segmentHeaderBytes % Format.recordAlignmentBytes == 0)
        #expect(Format.recordFlagBatchEnd & Format.recordFlagsReservedMask == 0)
        #expect(Format.recordFlagsUserMask & (Format.recordFlagsReservedMask | Format.recordFlagBatchEnd) == 0)
    }

    /// Proves the magic numbers read as their ASCII names in a hex dump.
    @Test func magicsSpellTheirNames() {
        func ascii(_ magic: UInt32) -> String {
            String(decoding: withUnsafeBytes(of: magic.littleEndian) { Array($0) }, as: UTF8.self)
        }
        #expect(ascii(Format.segmentMagic) == "ANLG")
        #expect(ascii(Format.positionIndexMagic) == "ANPI")
        #expect(ascii(Format.cleanShutdownMagic) == "ANCS")
    }

    /// The worked segment header of FORMAT.md §2, byte for byte.
    @Test func segmentHeaderMatchesWorkedExample() {
        let header = SegmentHeader(basePosition: .first, capacityBytes: 64 << 20, createdAt: 1_000_000_000)
        let expected: [UInt8] = [
            0x41, 0x4e, 0x4c, 0x47, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xca, 0x9a, 0x3b, 0x00, 0x00, 0x00, 0x00,
        ] + [UInt8](repeating: 0, count: 28) + [0x32, 0x25, 0x4b, 0x95]
        #expect(header.encode() == expected)
    }
}
