import AnnalsTestSupport
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import AnnalsLog

/// Sealing inside the log: `Log.sealFullSegments`, background sealing, and recovery of every
/// state a crash during a seal can leave.
@Suite(.timeLimit(.minutes(10))) struct SealedLogTests {
    static func checkStore(_ dir: TemporaryDirectory, _ expected: [LogRecord]) throws {
        let log = try Log.open(directory: dir.path, options: SealedFixture.options())
        defer { try? log.close() }
        #expect(try log.read(from: .first, limit: .max) == expected)
        let names = SealedFixture.names(dir.path)
        #expect(!names.contains { SegmentFileName.isTemporary($0) })
        let parsed = names.compactMap { SegmentFileName(parsing: $0) }
        let logs = Set(parsed.filter { $0.kind == .log }.map(\.base))
        for sealed in parsed where sealed.kind == .sealed {
            #expect(!logs.contains(sealed.base), "both copies of \(sealed.base) survived recovery")
            #expect(!names.contains(SegmentFileName(base: sealed.base, kind: .positionIndex).description))
            #expect(SealedSegment.verify(fileSystem: PosixFileSystem(), path: dir.file(sealed.description), fileName: sealed.description).isEmpty)
        }
    }

    /// Proves a manual seal of every full segment keeps every record identical, leaves one
    /// `.sealed` file per full segment and no raw copy, and that reopening loads them from their
    /// footers: only the active segment's tail is scanned.
    @Test func sealFullSegmentsKeepsRecordsAndReopens() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let expected = try SealedFixture.makeStore(dir.path, fullSegments: 3)
        let log = try Log.open(directory: dir.path, options: SealedFixture.options())
        var progressed: [LogPosition] = []
        let reports = try log.sealFullSegments { progressed.append($0.base) }
        #expect(reports.count >= 3 && progressed == reports.map(\.base))
        #expect(reports.allSatisfy { $0.sealedFileBytes < $0.rawFileBytes })
        #expect(try log.read(from: .first, limit: .max) == expected)
        #expect(try log.sealFullSegments().isEmpty)
        try log.close()
        #expect(SealedFixture.sealedNames(dir.path).count == reports.count)
        #expect(SealedFixture.rawSegmentBases(dir.path).count == 1)
        let reopened = try Log.open(directory: dir.path, options: SealedFixture.options())
        #expect(reopened.recoveryReport.isClean && reopened.recoveryReport.segments == reports.count + 1)
        let active = SegmentFileName(base: SealedFixture.rawSegmentBases(dir.path)[0], kind: .log).description
        let activeFile = try PosixFileSystem().open(dir.file(active), writable: false)
        defer { activeFile.close() }
        #expect(reopened.recoveryReport.bytesScanned < (try activeFile.size()))
        try reopened.append(SealedFixture.batch(999))
        #expect(try reopened.read(from: .first, limit: expected.count) == expected)
        try reopened.close()
    }

    /// Proves a crash after any number of a seal's file-system steps leaves a store that opens
    /// with every record intact and exactly one valid copy of each segment: the file system
    /// stops (fails every later mutation, cleanup included) after step N, for every N.
    @Test func crashAfterEachSealStep() throws {
        var step = 0
        while true {
            let dir = TemporaryDirectory()
            defer { dir.remove() }
            let expected = try SealedFixture.makeStore(dir.path, fullSegments: 2)
            let stopping = StoppingFileSystem()
            let log = try Log.open(directory: dir.path, options: SealedFixture.options(fileSystem: stopping))
            stopping.arm(allowing: step)
            _ = try? log.sealFullSegments()
            try? log.close()
            let finished = !stopping.stopped
            try Self.checkStore(dir, expected)
            if finished { break }
            step += 1
        }
        #expect(step > 10)
    }

    /// Proves recovery's rule for a store holding both copies of a segment: a sealed copy that
    /// verifies wins and the raw one is deleted; a damaged one is deleted, the raw one kept and
    /// sealed again by the next seal.
    @Test(arguments: [false, true])
    func bothCopiesLeftByACrash(damaged: Bool) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let expected = try SealedFixture.makeStore(dir.path, fullSegments: 2)
        let (name, _) = try SealedFixture.sealFirstSegment(dir.path)
        let rawName = SegmentFileName(base: .first, kind: .log).description
        if damaged {
            let file = try PosixFileSystem().open(dir.file(name), writable: true)
            try file.write(at: 100, [0xFF, 0x00, 0xFF])
            file.close()
        }
        let log = try Log.open(directory: dir.path, options: SealedFixture.options())
        #expect(log.recoveryReport.filesRemoved.contains(damaged ? name : rawName))
        #expect(try log.read(from: .first, limit: .max) == expected)
        let names = SealedFixture.names(dir.path)
        #expect(names.contains(name) == !damaged && names.contains(rawName) == damaged)
        try log.sealFullSegments()
        try log.close()
        try Self.checkStore(dir, expected)
    }

    /// Proves `.background` sealing seals rolled segments by itself, with no call to
    /// `sealFullSegments`: poll (up to 20 s) until every full segment in the table is sealed.
    @Test func backgroundSealingSealsRolledSegments() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: SealedFixture.options(.background))
        for tag in 0..<150 { try log.append(SealedFixture.batch(tag)) }
        Deadline.wait(seconds: 20, pollMilliseconds: 10) { log.segmentSnapshot.dropLast().allSatisfy { $0 is SealedSegment } }
        #expect(log.segmentSnapshot.count > 3)
        #expect(log.segmentSnapshot.dropLast().allSatisfy { $0 is SealedSegment })
        #expect(try log.read(from: .first, limit: .max).enumerated().allSatisfy { Self.matches($1, position: UInt64($0) + 1) })
        try log.close()
        #expect(SealedFixture.rawSegmentBases(dir.path).count == 1)
    }

    /// Proves background sealing runs while appends and reads go on: readers racing the seals
    /// (and the table switch) always see exactly the records appended, and every full segment
    /// ends up sealed. Clean under `swift test --sanitize=thread --filter Sealed`.
    @Test func readsRaceBackgroundSeals() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: SealedFixture.options(.background))
        let state = RaceState()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for reader in 0..<2 {
                group.addTask {
                    var random = SeededRandom(seed: UInt64(reader) + 7)
                    while !state.done.load(ordering: .acquiring) {
                        // The pool may have as few threads as readers: let the appender run.
                        await Task.yield()
                        guard let last = log.lastPosition else { continue }
                        let start = LogPosition(UInt64.random(in: 1...last.rawValue, using: &random))
                        let records = try log.read(from: start, limit: 200)
                        for (offset, record) in records.enumerated() where !Self.matches(record, position: start.rawValue + UInt64(offset)) {
                            state.failures.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
            group.addTask {
                defer { state.done.store(true, ordering: .releasing) }
                for tag in 0..<400 { try log.append(SealedFixture.batch(tag)) }
            }
            try await group.waitForAll()
        }
        #expect(state.failures.load(ordering: .relaxed) == 0)
        try log.sealFullSegments()  // whatever the background pass had not reached yet
        let all = try log.read(from: .first, limit: .max)
        #expect(all.count == 400 * 20 && all.enumerated().allSatisfy { Self.matches($1, position: UInt64($0) + 1) })
        #expect(log.segmentSnapshot.dropLast().allSatisfy { $0 is SealedSegment })
        try log.close()
        #expect(SealedFixture.rawSegmentBases(dir.path).count == 1)
    }

    final class RaceState: Sendable {
        let done = Atomic<Bool>(false)
        let failures = Atomic<Int>(0)
    }

    /// True when `record` is the one `SealedFixture.batch` made for `position` (20 per batch).
    static func matches(_ record: LogRecord, position: UInt64) -> Bool {
        let tag = Int((position - 1) / 20)
        let index = Int((position - 1) % 20)
        let entry = SealedFixture.batch(tag)[index]
        return record.position.rawValue == position && record.payload == entry.payload && record.eventID == entry.eventID
    }
}
