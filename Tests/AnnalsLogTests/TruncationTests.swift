import AnnalsTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import AnnalsLog

/// Every byte: the active segment of a real store (PosixFileSystem, temp directory) cut at
/// every byte offset of its last records, then reopened.
@Suite(.timeLimit(.minutes(10))) struct TruncationTests {
    static let segmentName = SegmentFileName(base: .first, kind: .log).description
    static let indexName = SegmentFileName(base: .first, kind: .positionIndex).description
    static let store = PristineStore()

    /// A store of filler batches (enough for several index entries) followed by the batches whose
    /// bytes get cut. Built once: the segment and index bytes and every record's place.
    struct PristineStore: Sendable {
        var segment: [UInt8] = []
        var index: [UInt8] = []
        var entries: [LogEntry] = []
        /// For each record: its offset, unpadded length, and whether it ends its batch.
        var layout: [(offset: Int, length: Int, endsBatch: Bool)] = []

        init() {
            let dir = TemporaryDirectory("annals-trunc")
            defer { dir.remove() }
            var random = SeededRandom(seed: 77)
            let ledger = AppendLedger()
            let log = try! Log.open(directory: dir.path)
            var offset = Format.segmentHeaderBytes
            for batch in 0..<64 {
                let entries = ledger.makeBatch(count: batch < 60 ? 2 : [1, 3, 1, 2][batch - 60], using: &random)
                try! log.append(entries)
                for (index, entry) in entries.enumerated() {
                    layout.append((offset, entry.encodedBytes, index == entries.count - 1))
                    offset += RecordCodec.paddedBytes(entry.encodedBytes)
                }
                self.entries += entries
            }
            try! log.close()
            segment = PosixFileSystem().readBytes(dir.file(TruncationTests.segmentName))
            index = PosixFileSystem().readBytes(dir.file(TruncationTests.indexName))
            precondition(segment.count == offset, "layout disagrees with the segment")
        }
    }

    /// Where a case's store lives: every byte on the simulated file system (fast), and a
    /// sample of bytes on real files through `PosixFileSystem` (each reopen costs real fsyncs).
    enum Medium: String, CaseIterable, Sendable {
        case simulated, posix
        var byteStride: Int { self == .simulated ? 1 : 29 }
    }

    /// Proves that a cut anywhere inside one of the last 7 records leaves exactly the records of
    /// the complete batches before the cut, with the report naming what was dropped, and that
    /// the store then appends (8-byte aligned) and reopens cleanly.
    @Test(arguments: Medium.allCases, 1...7)
    func cutAtEveryByteOfRecord(medium: Medium, fromEnd: Int) throws {
        let store = Self.store
        let record = store.layout[store.layout.count - fromEnd]
        let end = record.offset + RecordCodec.paddedBytes(record.length)
        let cuts = stride(from: record.offset + fromEnd % medium.byteStride, to: end, by: medium.byteStride)
        if getenv("ANNALS_RELIABILITY_SUMMARY") != nil {
            print("truncation \(medium.rawValue) record -\(fromEnd): \(Array(cuts).count) cuts")
        }
        for cut in cuts {
            let segment = Array(store.segment[0..<cut])
            switch medium {
            case .simulated:
                let fs = SimulatedFileSystem(seed: UInt64(cut))
                try fs.createDirectory("/store")
                for (name, bytes) in [(Self.segmentName, segment), (Self.indexName, store.index)] {
                    let file = try fs.create("/store/" + name)
                    try file.write(at: 0, bytes)
                    try file.sync()
                }
                try fs.syncDirectory("/store")
                try checkCut(cut, directory: "/store", fileSystem: fs)
            case .posix:
                let dir = TemporaryDirectory("annals-cut")
                defer { dir.remove() }
                try PosixFileSystem().writeBytes(dir.file(Self.segmentName), segment)
                try PosixFileSystem().writeBytes(dir.file(Self.indexName), store.index)
                try checkCut(cut, directory: dir.path, fileSystem: PosixFileSystem())
            }
        }
    }

    private func checkCut(_ cut: Int, directory: String, fileSystem: any StorageFileSystem) throws {
        let options = LogOptions(fileSystem: fileSystem)
        let store = Self.store
        let whole = store.layout.prefix { $0.offset + $0.length <= cut }.count
        let kept = store.layout[0..<whole].lastIndex { $0.endsBatch }.map { $0 + 1 } ?? 0
        let keptEnd = min(store.layout[kept - 1].offset + RecordCodec.paddedBytes(store.layout[kept - 1].length), cut)
        var log = try Log.open(directory: directory, options: options)
        let records = try log.read(from: .first, limit: .max)
        #expect(records.count == kept, "cut \(cut)")
        for (record, entry) in zip(records, store.entries) where record.payload != entry.payload || record.eventID != entry.eventID {
            Issue.record("cut \(cut): position \(record.position) differs")
        }
        let report = log.recoveryReport
        #expect(report.bytesDropped == UInt64(cut - keptEnd), "cut \(cut): \(report)")
        #expect(report.recordsDropped == whole - kept, "cut \(cut): \(report)")
        #expect((report.bytesDropped > 0) == (report.droppedFrom?.hasPrefix(Self.segmentName) ?? false), "cut \(cut)")
        let next = try log.append([LogEntry(stream: "after", eventType: "Cut", payload: [1, 2, 3])]).positions
        #expect(next.lowerBound.rawValue == UInt64(kept) + 1, "cut \(cut)")
        try log.close()
        let size = try fileSystem.open(directory + "/" + Self.segmentName, writable: false).size()
        #expect(size % UInt64(Format.recordAlignmentBytes) == 0, "cut \(cut): the next record was not 8-byte aligned")
        log = try Log.open(directory: directory, options: options)
        #expect(log.recoveryReport.isClean, "cut \(cut): \(log.recoveryReport)")
        #expect(try log.read(from: .first, limit: .max).count == kept + 1, "cut \(cut)")
        try log.close()
    }
}

extension PosixFileSystem {
    func readBytes(_ path: String) -> [UInt8] {
        guard let file = try? open(path, writable: false) else { return [] }
        defer { file.close() }
        return (try? file.readAll()) ?? []
    }

    func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
        let file = try create(path)
        defer { file.close() }
        try file.write(at: 0, bytes)
    }
}
