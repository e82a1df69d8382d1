import AnnalsTestSupport
import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct LogTests {
    /// Proves appended records read back identically, with gapless positions starting at 1.
    @Test func appendThenRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path)
        let entries = Entries.make(10)
        let range = try log.append(entries).positions
        #expect(range == LogPosition(1)...LogPosition(10))
        let more = try log.append(Entries.make(5, tag: 1)).positions
        #expect(more == LogPosition(11)...LogPosition(15))
        let records = try log.read(from: .first, limit: 100)
        #expect(records.count == 15)
        #expect(records.map(\.position.rawValue) == Array(1...15))
        #expect(records[0].payload == entries[0].payload)
        #expect(records[9].endsBatch && !records[8].endsBatch)
        let backward = try log.read(from: LogPosition(12), limit: 3, direction: .backward)
        #expect(backward.map(\.position.rawValue) == [12, 11, 10])
        try log.close()
    }

    /// Proves records survive close and reopen, across many segment rolls, and that the
    /// reopened store continues at the right position.
    @Test func rollAndReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let options = LogOptions(segmentBytes: 4096)
        var log = try Log.open(directory: dir.path, options: options)
        for batch in 0..<40 { try log.append(Entries.make(3, tag: batch)) }
        try log.close()
        let logs = try PosixFileSystem().list(dir.path).filter { $0.hasSuffix(".log") }
        #expect(logs.count >= 5)
        log = try Log.open(directory: dir.path, options: options)
        #expect(log.recoveryReport.cleanShutdown)
        #expect(log.recoveryReport.isClean)
        #expect(log.nextPosition == LogPosition(121))
        try log.append(Entries.make(1, tag: 99))
        let all = try log.read(from: .first, limit: 1000)
        #expect(all.map(\.position.rawValue) == Array(1...121))
        for (index, record) in all.enumerated().dropLast() {
            #expect(record.eventID == EventID(high: UInt64(index / 3), low: UInt64(index % 3)))
        }
        try log.close()
    }

    /// Proves a second open of the same store fails with `.conflict` while the first holds it.
    @Test func lockRefusesSecondWriter() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path)
        #expect(throws: LogError.self) { _ = try Log.open(directory: dir.path) }
        do { _ = try Log.open(directory: dir.path) } catch { #expect(error.code == .conflict) }
        try log.close()
        let again = try Log.open(directory: dir.path)
        try again.close()
    }
}
