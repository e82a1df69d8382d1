import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// A clean close gives the last record a position-index entry of its own (FORMAT.md §4), so
/// the next open scans no tail; the off-grid entry must then survive later opens, crashes,
/// rolls and `verify` like any other.
@Suite(.timeLimit(.minutes(10))) struct CleanCloseIndexTests {
    /// Proves a clean close leaves an index whose last entry is the last record, so the next
    /// open scans 0 bytes; then that appending past it and crashing recovers every record with
    /// no index rebuilt, and that `verify` passes on the rolled segments that hold such entries.
    @Test func cleanCloseIndexesTheLastRecord() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 65536))
        for batch in 0..<30 { try log.append(Entries.make(1, tag: batch)) }  // about 5 KiB: two grid entries
        try log.close()

        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 65536))
        #expect(log.recoveryReport.cleanShutdown)
        #expect(log.recoveryReport.bytesScanned == 0)
        #expect(log.recoveryReport.isClean)
        let index = log.writer.segment.indexSnapshot
        #expect(index[index.count - 1].relativePosition == 29, "the last record has an entry")
        #expect(log.nextPosition == LogPosition(31))

        for batch in 30..<33 { try log.append(Entries.make(1, tag: batch)) }
        log.abandonForTesting()  // a crash: the off-grid entry is the last one in the file
        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 65536))
        #expect(!log.recoveryReport.cleanShutdown)
        #expect(log.recoveryReport.indexesRebuilt.isEmpty && log.recoveryReport.bytesDropped == 0)
        #expect(log.recoveryReport.bytesScanned > 0, "the records after the clean close were scanned")
        #expect(log.nextPosition == LogPosition(34))
        #expect(try log.read(from: .first, limit: 100).map(\.position.rawValue) == Array(1...33))

        for batch in 33..<700 { try log.append(Entries.make(1, tag: batch)) }  // rolls past the first segment
        let report = log.verify()
        #expect(report.isHealthy, "\(report.problems)")
        try log.close()
    }
}
