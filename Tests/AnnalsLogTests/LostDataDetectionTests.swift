import AnnalsTestSupport
import Foundation
import Testing
@testable import AnnalsLog

/// Damage that recovery once took for a clean end of data: a zeroed region with acknowledged
/// records after it, and segments missing from a store. Each must fail the open with a typed
/// error naming what is wrong, and cut nothing.
@Suite(.timeLimit(.minutes(10))) struct LostDataDetectionTests {
    /// Proves zeros followed by a valid later record are corruption, not the end of data: a
    /// crashed store of 50 acknowledged appends, with the first record after the last
    /// position-index entry zeroed (the tail that recovery scans), fails to open, naming the
    /// file and the zeroed offset, and the file keeps every byte.
    @Test(arguments: [64, 8, 200])
    func zeroedRegionBeforeAcknowledgedRecordsIsCorruption(zeroBytes: Int) throws {
        let (dir, ends) = try LogRecoveryTests.crashedStore(batches: 50, size: 1)
        defer { dir.remove() }
        let name = FileBytes.names(in: dir.path, suffix: ".log")[0]
        let segment = dir.file(name)
        var bytes = FileBytes.read(segment)
        let indexed = PositionIndexFile.readValidPrefix(
            PosixFileSystem(), path: dir.file(FileBytes.names(in: dir.path, suffix: ".pidx")[0]), base: .first)
        let lastIndexed = Int(indexed!.entries.last!.relativePosition) + 1
        #expect(lastIndexed <= 47, "the test needs records after the zeroed one")
        let start = ends[lastIndexed - 1]  // record lastIndexed + 1 starts where batch lastIndexed ends
        for offset in start..<min(start + zeroBytes, bytes.count) { bytes[offset] = 0 }
        FileBytes.write(segment, bytes)
        do {
            let log = try Log.open(directory: dir.path)
            log.abandonForTesting()
            Issue.record("open succeeded over zeros followed by acknowledged records")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.file == name)
            #expect(error.offset == UInt64(start))
        }
        #expect(FileBytes.read(segment) == bytes, "recovery changed the damaged file")
    }

    /// Proves zeros that run to the end of the file are still a clean end of data: nothing is
    /// dropped and the store opens.
    @Test func zerosToTheEndOfTheFileAreTheEndOfData() throws {
        let (dir, ends) = try LogRecoveryTests.crashedStore(batches: 5, size: 1)
        defer { dir.remove() }
        let segment = dir.file(FileBytes.names(in: dir.path, suffix: ".log")[0])
        FileBytes.write(segment, FileBytes.read(segment) + [UInt8](repeating: 0, count: 3000))
        let log = try Log.open(directory: dir.path)
        defer { log.abandonForTesting() }
        #expect(log.nextPosition == LogPosition(6))
        #expect(log.writer.dataEnd == UInt64(ends[4]))
        #expect(log.verify().isHealthy)
    }

    /// A cleanly closed store of several raw segments; returns it with its `.log` names.
    static func closedStore(events: Int = 400, segmentBytes: Int = 16384) throws -> (TemporaryDirectory, [String]) {
        let dir = TemporaryDirectory()
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: segmentBytes))
        for batch in 0..<events { try log.append(Entries.make(1, tag: batch)) }
        try log.close()
        return (dir, FileBytes.names(in: dir.path, suffix: ".log"))
    }

    static func expectOpenFails(_ dir: TemporaryDirectory, naming file: String, segmentBytes: Int = 16384) {
        do {
            let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: segmentBytes))
            log.abandonForTesting()
            Issue.record("a store missing \(file) opened")
        } catch {
            #expect(error.code == .corruption)
            #expect(error.file == file, "\(error)")
        }
    }

    /// Proves deleting the active segment of a cleanly closed store fails the open, naming the
    /// missing segment, instead of opening a shorter log.
    @Test func missingActiveSegmentOfCleanStoreFailsOpen() throws {
        let (dir, logs) = try Self.closedStore()
        defer { dir.remove() }
        #expect(logs.count >= 3)
        try PosixFileSystem().remove(dir.file(logs.last!))
        Self.expectOpenFails(dir, naming: logs.last!)
    }

    /// Proves deleting the active segment of a crashed store (no `CLEAN` marker) fails the open
    /// when its position index is still there: the index's entries prove synced records existed.
    @Test func missingActiveSegmentAfterCrashFailsOpen() throws {
        let (dir, logs) = try Self.closedStore()
        defer { dir.remove() }
        try PosixFileSystem().remove(dir.file(SegmentFileName.cleanShutdownFile))
        try PosixFileSystem().remove(dir.file(logs.last!))
        Self.expectOpenFails(dir, naming: logs.last!)
    }

    /// Proves deleting the only `.log` of a cleanly closed store that held records fails the
    /// open, instead of creating a new, empty log.
    @Test func missingOnlySegmentOfCleanStoreFailsOpen() throws {
        let (dir, logs) = try Self.closedStore(events: 5, segmentBytes: 1 << 20)
        defer { dir.remove() }
        #expect(logs.count == 1)
        try PosixFileSystem().remove(dir.file(logs[0]))
        Self.expectOpenFails(dir, naming: logs[0], segmentBytes: 1 << 20)
    }

    /// Proves a raw segment missing in the middle fails the open, with or without a clean close:
    /// named as missing while its position index is left, and otherwise through the segment
    /// before it, whose records no longer reach the next one.
    @Test(arguments: [(true, false), (false, false), (true, true), (false, true)])
    func missingMiddleSegmentFailsOpen(cleanClose: Bool, indexDeletedToo: Bool) throws {
        let (dir, logs) = try Self.closedStore()
        defer { dir.remove() }
        #expect(logs.count >= 4)
        if !cleanClose { try PosixFileSystem().remove(dir.file(SegmentFileName.cleanShutdownFile)) }
        try PosixFileSystem().remove(dir.file(logs[1]))
        if indexDeletedToo { try PosixFileSystem().remove(dir.file(logs[1].replacingOccurrences(of: ".log", with: ".pidx"))) }
        Self.expectOpenFails(dir, naming: indexDeletedToo ? logs[0] : logs[1])
    }

    /// Proves a brand-new empty directory still creates a store, and a cleanly closed empty
    /// store reopens.
    @Test func emptyDirectoryStillCreatesAStore() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var log = try Log.open(directory: dir.path)
        #expect(log.nextPosition == .first)
        try log.close()
        log = try Log.open(directory: dir.path)
        #expect(log.nextPosition == .first)
        try log.append(Entries.make(1))
        try log.close()
    }
}
