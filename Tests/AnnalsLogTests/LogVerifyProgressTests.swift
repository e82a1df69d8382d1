import AnnalsTestSupport
import Testing
@testable import AnnalsLog

/// `Log.verify(progress:)`: the report so far after each segment, for a progress display.
@Suite(.timeLimit(.minutes(1))) struct LogVerifyProgressTests {
    /// Proves verify reports once per segment, with counts that only grow and a last report
    /// equal to the result, ending at the store's size, on a log rolled over several segments.
    @Test func reportsAfterEachSegment() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 65536))
        defer { try? log.close() }
        for batch in 0..<1500 { try log.append(Entries.make(1, tag: batch)) }
        let segments = try log.stats().segments.count
        #expect(segments >= 3, "the log rolled")
        var seen: [VerifyReport] = []
        let report = log.verify { seen.append($0) }
        #expect(report.isHealthy, "\(report.problems)")
        #expect(seen.count == segments)
        #expect(seen.map(\.segmentsChecked) == Array(1...segments))
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesChecked < $1.bytesChecked && $0.recordsChecked < $1.recordsChecked })
        #expect(seen.last?.recordsChecked == report.recordsChecked && seen.last?.bytesChecked == report.bytesChecked)
        #expect(report.recordsChecked == 1500)
    }
}
