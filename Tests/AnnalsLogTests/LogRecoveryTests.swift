import AnnalsTestSupport
import Testing
@testable import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct LogRecoveryTests {
    /// Writes `batches` batches of `size` records without a clean close; returns the store path
    /// and the byte offset in the active segment where each batch ends.
    static func crashedStore(batches: Int, size: Int, segmentBytes: Int = 1 << 20) throws -> (TemporaryDirectory, [Int]) {
        let dir = TemporaryDirectory()
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: segmentBytes))
        var ends: [Int] = []
        for batch in 0..<batches {
            try log.append(Entries.make(size, tag: batch))
            ends.append(Int(log.writer.dataEnd))
        }
        // Simulate a crash: no close, so no clean-shutdown marker. Release the lock by hand.
        log.abandonForTesting()
        return (dir, ends)
    }

    /// Proves cutting the active segment at every byte of its last batch recovers exactly the
    /// earlier batches and reports the dropped bytes and records.
    @Test func tornTailAtEveryByteIsTruncatedAndReported() throws {
        let (dir, ends) = try Self.crashedStore(batches: 3, size: 2)
        defer { dir.remove() }
        let segment = dir.file(FileBytes.names(in: dir.path, suffix: ".log")[0])
        let original = FileBytes.read(segment)
        for cut in ends[1]..<ends[2] {
            FileBytes.write(segment, Array(original[0..<cut]))
            let log = try Log.open(directory: dir.path)
            #expect(log.nextPosition == LogPosition(5), "cut at \(cut)")
            #expect(log.recoveryReport.bytesDropped == UInt64(cut - ends[1]), "cut at \(cut)")
            if cut > ends[1] { #expect(log.recoveryReport.droppedFrom != nil) }
            let records = try log.read(from: .first, limit: 10)
            #expect(records.map(\.position.rawValue) == [1, 2, 3, 4])
            #expect(log.verify().isHealthy)
            log.abandonForTesting()
        }
    }

    /// Proves a batch is atomic: a cut after its first record drops that whole record too.
    @Test func incompleteBatchIsDroppedWhole() throws {
        let (dir, ends) = try Self.crashedStore(batches: 2, size: 3)
        defer { dir.remove() }
        let segment = dir.file(FileBytes.names(in: dir.path, suffix: ".log")[0])
        let recordBytes = (ends[1] - ends[0]) / 3
        FileBytes.truncate(segment, to: ends[0] + recordBytes * 2)  // two whole records of batch 2
        let log = try Log.open(directory: dir.path)
        defer { log.abandonForTesting() }
        #expect(log.nextPosition == LogPosition(4))
        #expect(log.recoveryReport.recordsDropped == 2)
    }

    /// Proves bad bytes followed by a valid record are corruption: open fails naming the file
    /// and offset, and nothing is truncated.
    @Test func checksumMismatchFollowedByValidRecordIsCorruption() throws {
        let (dir, ends) = try Self.crashedStore(batches: 3, size: 1)
        defer { dir.remove() }
        let name = FileBytes.names(in: dir.path, suffix: ".log")[0]
        let segment = dir.file(name)
        let sizeBefore = FileBytes.read(segment).count
        FileBytes.flipBit(segment, byte: ends[0] + 70, bit: 3)  // inside batch 2's body
        do {
            _ = try Log.open(directory: dir.path)
            Issue.record("open succeeded over corruption")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.file == name)
            #expect(error.offset == UInt64(ends[0]))
        }
        #expect(FileBytes.read(segment).count == sizeBefore)
    }

    /// Proves that after a clean close, a bad last record is corruption, not a torn tail.
    @Test func badRecordAfterCleanCloseIsCorruption() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path)
        try log.append(Entries.make(2))
        try log.close()
        let segment = dir.file(FileBytes.names(in: dir.path, suffix: ".log")[0])
        let bytes = FileBytes.read(segment)
        FileBytes.flipBit(segment, byte: bytes.count - 20, bit: 0)
        #expect(throws: LogError.self) { _ = try Log.open(directory: dir.path) }
    }

    /// Proves a missing or corrupted position index is rebuilt from its segment and reported,
    /// and reads are unaffected.
    @Test(arguments: ["delete", "flip"])
    func positionIndexIsRebuilt(damage: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        for batch in 0..<30 { try log.append(Entries.make(2, tag: batch)) }
        let expected = try log.read(from: .first, limit: 100)
        try log.close()
        let index = dir.file(FileBytes.names(in: dir.path, suffix: ".pidx")[0])
        if damage == "delete" {
            try PosixFileSystem().remove(index)
        } else {
            FileBytes.flipBit(index, byte: 64 + 5, bit: 2)
        }
        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        #expect(log.recoveryReport.indexesRebuilt == [FileBytes.names(in: dir.path, suffix: ".pidx")[0]])
        #expect(try log.read(from: .first, limit: 100) == expected)
        #expect(log.verify().isHealthy)
        try log.close()
    }

    /// Proves verify finds a flipped bit in a full segment that open trusts without scanning.
    @Test func verifyFindsCorruptionInFullSegment() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        for batch in 0..<30 { try log.append(Entries.make(2, tag: batch)) }
        try log.close()
        let name = FileBytes.names(in: dir.path, suffix: ".log")[0]
        FileBytes.flipBit(dir.file(name), byte: 64 + 100, bit: 1)
        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        let report = log.verify()
        #expect(!report.isHealthy)
        #expect(report.problems.contains { $0.file == name && $0.offset == 64 })
        #expect(throws: LogError.self) { _ = try log.read(from: .first, limit: 5) }
        try log.close()
    }

    /// Proves an empty last segment whose header never reached the disk (an interrupted roll)
    /// is removed and the store continues from the segment before it.
    @Test func interruptedRollIsUndone() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        try log.append(Entries.make(3))
        try log.close()
        FileBytes.write(dir.file("00000000000000000004.log"), [0x41, 0x4e, 0x4c])
        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        #expect(log.recoveryReport.filesRemoved.contains("00000000000000000004.log"))
        #expect(log.nextPosition == LogPosition(4))
        try log.append(Entries.make(1))
        #expect(try log.read(from: .first, limit: 10).count == 4)
        try log.close()
    }

    /// Proves a store whose first segment is missing fails to open with `.corruption`, instead
    /// of reading as a shorter log: naming the missing segment while its position index is left,
    /// and the segment that now comes first when the index is gone too.
    @Test(arguments: [false, true])
    func missingFirstSegmentIsCorruption(indexDeletedToo: Bool) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        for batch in 0..<30 { try log.append(Entries.make(2, tag: batch)) }
        try log.close()
        let logs = FileBytes.names(in: dir.path, suffix: ".log")
        #expect(logs.count >= 3)
        try PosixFileSystem().remove(dir.file(logs[0]))
        if indexDeletedToo { try PosixFileSystem().remove(dir.file(FileBytes.names(in: dir.path, suffix: ".pidx")[0])) }
        do {
            _ = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
            Issue.record("a store without its first segment opened")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.file == (indexDeletedToo ? logs[1] : logs[0]))
        }
    }
}
