import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// Damage to each part of a sealed file is detected and reported as a typed error naming the
/// file; never returned as data, never a trap.
@Suite(.timeLimit(.minutes(10))) struct SealedCorruptionTests {
    enum Damage: String, CaseIterable, Sendable {
        case blockByte, blockIndex, footer, trailer, header, truncated
        case lz4StreamWithValidChecksum, recordChecksumAfterDecompress

        /// Words the first problem's message must hold: proof the intended check caught it.
        var expectedMessage: String {
            switch self {
            case .blockByte: "block 0"
            case .blockIndex: "block index checksum"
            case .footer: "footer checksum"
            case .trailer, .truncated: "trailer"
            case .header: "header checksum"
            case .lz4StreamWithValidChecksum: "LZ4 data"
            case .recordChecksumAfterDecompress: "record checksum mismatch"
            }
        }
    }

    /// Proves each kind of damage yields `.corruption` naming the file, from open, a read or
    /// verify (whichever first reads the damaged part), and that no damaged record is returned.
    @Test(arguments: Damage.allCases)
    func damageIsDetected(damage: Damage) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records = try SealedFixture.makeStore(dir.path, fullSegments: 1)
        let (name, _) = try SealedFixture.sealFirstSegment(dir.path)
        let path = dir.file(name)
        var bytes = try PosixFileSystem().open(path, writable: false).readAll()
        let clean = try SealedSegment.open(fileSystem: PosixFileSystem(), path: path, fileName: name, cache: nil)
        let footerOffset = Int(clean.footer.blockIndexOffset) + clean.footer.blockIndexBytes
        let block0 = clean.blocks[0]
        clean.close()
        switch damage {
        case .blockByte: bytes[Int(block0.fileOffset) + 17] ^= 0x10
        case .blockIndex: bytes[Int(clean.footer.blockIndexOffset) + 40] ^= 0x01
        case .footer: bytes[footerOffset + 20] ^= 0x04
        case .trailer: bytes[bytes.count - 12] ^= 0x80
        case .header: bytes[9] ^= 0x01
        case .truncated: bytes.removeLast(7)
        case .lz4StreamWithValidChecksum:
            for index in 0..<Int(block0.compressedBytes) { bytes[Int(block0.fileOffset) + index] = 0xF0 }
            SealedForgery.refreshChecksums(&bytes, footerOffset: footerOffset)
        case .recordChecksumAfterDecompress:
            bytes[Int(block0.fileOffset) + SealedForgery.firstLiteralOffset(bytes, block: Int(block0.fileOffset))] ^= 0x01
            SealedForgery.refreshChecksums(&bytes, footerOffset: footerOffset)
        }
        try PosixFileSystem().remove(path)
        let file = try PosixFileSystem().create(path)
        try file.write(at: 0, bytes)
        file.close()

        let problems = SealedSegment.verify(fileSystem: PosixFileSystem(), path: path, fileName: name)
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.code == .corruption && $0.file == name && $0.offset != nil })
        #expect(problems.first?.message.contains(damage.expectedMessage) == true, "\(problems)")
        switch damage {
        case .blockIndex, .footer, .trailer, .truncated:
            #expect(throws: LogError.self) { _ = try SealedSegment.open(fileSystem: PosixFileSystem(), path: path, fileName: name, cache: nil) }
        case .header:
            #expect(problems.count == 1)
        case .blockByte, .lz4StreamWithValidChecksum, .recordChecksumAfterDecompress:
            let segment = try SealedSegment.open(fileSystem: PosixFileSystem(), path: path, fileName: name, cache: nil)
            var returned: [LogRecord] = []
            do {
                try segment.forEachRecord(from: .first, limit: .max, through: nil) { view in
                    returned.append(view.materialize())
                    return true
                }
                Issue.record("a damaged block was read without error")
            } catch {
                #expect(error.code == .corruption && error.file == name && error.offset == block0.fileOffset)
                #expect(error.message.contains("block 0"))
            }
            #expect(returned.isEmpty)
            // Records in undamaged blocks still read, and match.
            let later = segment.blocks[1].firstPosition
            #expect(try segment.forEachRecord(from: later, limit: 1, through: nil) { $0.materialize() == records[Int(later.rawValue) - 1] } == 1)
        }
    }
}

/// Builds damaged sealed files whose checksums still pass, to reach the checks behind them.
enum SealedForgery {
    /// Recomputes every block CRC in the index, the index CRC in the footer and the footer CRC.
    static func refreshChecksums(_ bytes: inout [UInt8], footerOffset: Int) {
        bytes.withUnsafeMutableBytes { out in
            let footer = UnsafeMutableRawBufferPointer(rebasing: out[footerOffset..<(footerOffset + Format.sealedFooterBytes)])
            let indexOffset = Int(UnsafeRawBufferPointer(footer).loadLE(at: SealedFooter.Layout.blockIndexOffset, as: UInt64.self))
            for start in stride(from: indexOffset, to: footerOffset, by: Format.sealedBlockIndexEntryBytes) {
                let entry = BlockIndexEntry.decode(UnsafeRawBufferPointer(rebasing: out[start..<(start + Format.sealedBlockIndexEntryBytes)]))
                let block = UnsafeRawBufferPointer(rebasing: out[Int(entry.fileOffset)..<(Int(entry.fileOffset) + Int(entry.compressedBytes))])
                out.storeLE(CRC32C.checksum(block), at: start + BlockIndexEntry.Layout.checksum)
            }
            let index = UnsafeRawBufferPointer(rebasing: out[indexOffset..<footerOffset])
            footer.storeLE(CRC32C.checksum(index), at: SealedFooter.Layout.blockIndexChecksum)
            footer.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: footer[0..<SealedFooter.Layout.checksum])), at: SealedFooter.Layout.checksum)
        }
    }

    /// The offset, inside the LZ4 block starting at `block`, of its first literal byte: after
    /// the first token and any extra literal-length bytes. Changing it keeps the block decodable.
    static func firstLiteralOffset(_ bytes: [UInt8], block: Int) -> Int {
        var cursor = 1
        if bytes[block] >> 4 == 15 {
            while bytes[block + cursor] == 255 { cursor += 1 }
            cursor += 1
        }
        return cursor
    }
}

/// Found by the deep fuzz run of `FuzzSealedOpen` (issue 16's session): a footer whose checksum
/// holds but whose sizes sum past 2^64 trapped the opener on an overflowing addition.
@Suite(.timeLimit(.minutes(2))) struct SealedFooterOverflowTests {
    /// Proves a footer with a compressed size or block-index offset near 2^64, its checksum
    /// recomputed, is refused with a typed `.corruption`, never a trap.
    @Test(arguments: [(SealedFooter.Layout.compressedBytes, UInt64.max - 10), (SealedFooter.Layout.blockIndexOffset, UInt64.max - 3)])
    func footerSizesNear2To64AreRefused(field: Int, value: UInt64) {
        let footer = SealedFooter(
            basePosition: LogPosition(1), recordCount: 10, firstTimestamp: 1, lastTimestamp: 2, rawBytes: 100,
            compressedBytes: 50, blockIndexOffset: UInt64(Format.sealedHeaderBytes) + 50, blockCount: 1,
            blockIndexChecksum: 0, blockBytes: 65536)
        var bytes = footer.encode()
        bytes.withUnsafeMutableBytes { out in
            out.storeLE(value, at: field)
            out.storeLE(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: out[0..<SealedFooter.Layout.checksum])), at: SealedFooter.Layout.checksum)
        }
        let offset = UInt64(Format.sealedHeaderBytes) + 50 + UInt64(Format.sealedBlockIndexEntryBytes)
        #expect(throws: LogError.self) {
            try bytes.withUnsafeBytes { try SealedFooter.decode($0, file: "x.sealed", offset: offset) }
        }
    }
}
