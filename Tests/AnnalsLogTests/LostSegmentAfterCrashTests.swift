import AnnalsTestSupport
import Foundation
import Testing
@testable import AnnalsLog

/// The core's half of issue 15's lost-segment check: a store left by a crash (no `CLEAN`
/// marker) whose last segment was deleted together with its `.pidx`. The `HEAD` file the dead
/// writer published names that segment as the one it was writing into (`LostSegmentCheck`), so
/// the writer's open and the read-only open (`annals verify`, `annals stats`) both fail, naming
/// it, instead of reading a shorter log.
@Suite(.timeLimit(.minutes(5))) struct LostSegmentAfterCrashTests {
    /// A store of at least `segments` raw segments whose writer died (no close, no `CLEAN`,
    /// its `HEAD` as last published); returns it with its `.log` names.
    static func killedStore(segments: Int, segmentBytes: Int = 4096) throws -> (TemporaryDirectory, [String]) {
        let dir = TemporaryDirectory()
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: segmentBytes))
        var batch = 0
        repeat {
            try log.append(Entries.make(1, tag: batch))
            batch += 1
        } while log.segmentBases().count < segments || batch < 5
        log.abandonForTesting()
        #expect(!FileManager.default.fileExists(atPath: dir.file(SegmentFileName.cleanShutdownFile)))
        return (dir, FileBytes.names(in: dir.path, suffix: ".log"))
    }

    static func deleteWithIndex(_ dir: TemporaryDirectory, _ log: String) throws {
        try PosixFileSystem().remove(dir.file(log))
        try PosixFileSystem().remove(dir.file(log.replacingOccurrences(of: ".log", with: ".pidx")))
    }

    /// Expects both opens to fail with `.corruption` naming `missing`, and the files to stay as
    /// they are (the evidence is kept: a second open fails the same way).
    static func expectBothOpensFail(_ dir: TemporaryDirectory, naming missing: String) {
        let before = FileBytes.names(in: dir.path, suffix: "")
        for mode in [OpenMode.readWrite, .readWrite, .readOnly] {
            do {
                let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096), mode: mode)
                try? log.close()
                Issue.record("a \(mode) open accepted a store that lost \(missing)")
            } catch {
                #expect(error.code == .corruption, "\(mode): \(error)")
                #expect(error.file == missing, "\(mode): \(error)")
            }
        }
        #expect(FileBytes.names(in: dir.path, suffix: "") == before, "a failed open changed the store's files")
    }

    /// Proves a killed store whose last segment and its position index were deleted fails to
    /// open, writer and read-only, naming the segment (before: it opened as a shorter log).
    @Test func lastSegmentDeletedWithItsIndexAfterAKillFailsOpen() throws {
        let (dir, logs) = try Self.killedStore(segments: 3)
        defer { dir.remove() }
        try Self.deleteWithIndex(dir, logs.last!)
        Self.expectBothOpensFail(dir, naming: logs.last!)
    }

    /// Proves a killed store whose only segment and its index were deleted fails to open,
    /// instead of starting a new, empty log.
    @Test func onlySegmentDeletedWithItsIndexAfterAKillFailsOpen() throws {
        let (dir, logs) = try Self.killedStore(segments: 1, segmentBytes: 1 << 20)
        defer { dir.remove() }
        #expect(logs.count == 1)
        try Self.deleteWithIndex(dir, logs[0])
        Self.expectBothOpensFail(dir, naming: logs[0])
    }

    /// Proves a last segment that held no record yet (the writer had just rolled into it, and
    /// published it) is missed too: it was deleted, and appends would reuse its positions.
    @Test func freshlyRolledEmptySegmentDeletedAfterAKillFailsOpen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        var batch = 0
        while log.segmentBases().count < 2 {
            try log.append(Entries.make(1, tag: batch))
            batch += 1
        }
        let last = log.segmentBases().last!
        log.abandonForTesting()
        let name = SegmentFileName(base: last, kind: .log).description
        try Self.deleteWithIndex(dir, name)
        Self.expectBothOpensFail(dir, naming: name)
    }

    /// Proves no false alarm: a killed store with nothing deleted opens, writer and read-only,
    /// with every record, and so does one whose `HEAD` is gone (no evidence, no check).
    @Test func killWithNothingDeletedOpens() throws {
        let (dir, _) = try Self.killedStore(segments: 3)
        defer { dir.remove() }
        let reader = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096), mode: .readOnly)
        let durable = reader.nextPosition
        try reader.close()
        var log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        #expect(log.nextPosition == durable)
        #expect(log.verify().isHealthy)
        log.abandonForTesting()
        try PosixFileSystem().remove(dir.file(SegmentFileName.headFile))
        log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096))
        #expect(log.nextPosition == durable)
        try log.close()
    }
}
