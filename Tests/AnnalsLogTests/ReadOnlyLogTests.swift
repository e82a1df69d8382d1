import AnnalsTestSupport
import Foundation
import Testing
@testable import AnnalsLog

/// Read-only opens beside a writer (issue: readers beside a writer): what a reader sees, that
/// it writes nothing, and that it survives the writer's rolls, seals, crash and successor.
@Suite(.timeLimit(.minutes(10))) struct ReadOnlyLogTests {
    static func options(_ durability: Durability = .always) -> LogOptions {
        var options = SealedFixture.options()
        options.durability = durability
        return options
    }

    /// Every file's name, size and modification time: what "writes nothing" is checked against.
    static func fingerprint(_ directory: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            result[name] = "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0)"
        }
        return result
    }

    /// Proves a reader sees only what the writer made durable: under `.none` nothing until a
    /// sync, under `.always` each acknowledged append after a refresh, never a record past the
    /// published watermark.
    @Test func readerSeesExactlyTheDurableRecords() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let writer = try Log.open(directory: dir.path, options: Self.options(.none))
        defer { try? writer.close() }
        try writer.append(SealedFixture.batch(0, count: 5))
        let reader = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        defer { try? reader.close() }
        #expect(reader.lastPosition == nil, "unsynced records are invisible to readers")
        #expect(try reader.refresh() == false)
        try writer.sync()
        #expect(try reader.refresh() == true)
        #expect(reader.lastPosition == LogPosition(5))
        #expect(try reader.read(from: .first, limit: .max) == writer.read(from: .first, limit: .max))
        try writer.append(SealedFixture.batch(1, count: 3))
        #expect(try reader.refresh() == false && reader.lastPosition == LogPosition(5))
        try writer.sync()
        try reader.refresh()
        #expect(try reader.read(from: .first, limit: .max).map(\.position.rawValue) == Array(1...8))
    }

    /// Proves `verify` on a read-only log is healthy while the writer's active index file
    /// already holds entries past the durable end the reader applied (the writer synced more,
    /// or died between writing index entries and publishing them).
    @Test func verifyAcceptsAnIndexFileAheadOfTheReader() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let options = LogOptions(durability: .always, segmentBytes: 1 << 20)
        let writer = try Log.open(directory: dir.path, options: options)
        defer { try? writer.close() }
        for tag in 0..<20 { try writer.append(SealedFixture.batch(tag)) }
        let reader = try Log.open(directory: dir.path, options: options, mode: .readOnly)
        defer { try? reader.close() }
        for tag in 20..<60 { try writer.append(SealedFixture.batch(tag)) }
        let report = reader.verify()
        #expect(report.isHealthy, "\(report.problems)")
        try reader.refresh()
        #expect(reader.verify().isHealthy)
    }

    /// Proves a reader follows the writer across many rolls and a seal of every full segment
    /// (the raw files deleted under it), reading every record identically, old and new.
    @Test func readerFollowsRollsAndSeals() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let writer = try Log.open(directory: dir.path, options: Self.options())
        defer { try? writer.close() }
        let reader = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        defer { try? reader.close() }
        var tag = 0
        for round in 0..<6 {
            while SealedFixture.rawSegmentBases(dir.path).count < 2 + round {
                try writer.append(SealedFixture.batch(tag))
                tag += 1
            }
            if round % 2 == 1 { try writer.sealFullSegments() }
            try reader.refresh()
            #expect(reader.lastPosition == writer.lastPosition)
            #expect(try reader.read(from: .first, limit: .max) == writer.read(from: .first, limit: .max))
        }
        #expect(!SealedFixture.sealedNames(dir.path).isEmpty)
        #expect(reader.segmentBases() == writer.segmentBases())
    }

    /// Proves opening, reading, refreshing and closing read-only changes no file of a closed
    /// store, not even its `CLEAN` marker, and that a reader takes no lock: a writer opens
    /// beside it, and a second writer still fails with the clear conflict.
    @Test func readerWritesNothingAndTakesNoLock() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try SealedFixture.makeStore(dir.path, fullSegments: 2)
        let before = try Self.fingerprint(dir.path)
        let reader = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        #expect(try reader.read(from: .first, limit: .max).count == Int(reader.lastPosition!.rawValue))
        _ = try reader.refresh()
        _ = reader.verify()
        try reader.close()
        #expect(try Self.fingerprint(dir.path) == before)

        let second = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        defer { try? second.close() }
        let writer = try Log.open(directory: dir.path, options: Self.options())
        defer { try? writer.close() }
        #expect(throws: LogError.self) { try Log.open(directory: dir.path, options: Self.options()) }
        do { _ = try Log.open(directory: dir.path, options: Self.options()) } catch { #expect(error.code == .conflict) }
    }

    /// Proves every changing operation on a read-only log fails with `.readOnly` and a message.
    @Test func changesFailClearlyWhenReadOnly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try SealedFixture.makeStore(dir.path, fullSegments: 1)
        let reader = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        defer { try? reader.close() }
        for operation in [{ _ = try reader.append(SealedFixture.batch(9)) }, { try reader.sync() }, { _ = try reader.sealFullSegments() }] {
            do { try operation(); Issue.record("a change succeeded on a read-only log") } catch let error as LogError {
                #expect(error.code == .readOnly && error.message.contains("read-only"), "\(error)")
            }
        }
    }

    /// Proves a reader keeps serving everything durable after the writer dies without closing,
    /// and picks up a new writer's appends after its recovery with no gap and no duplicate.
    @Test func readerSurvivesTheWritersCrashAndSuccessor() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let first = try Log.open(directory: dir.path, options: Self.options())
        for tag in 0..<30 { try first.append(SealedFixture.batch(tag)) }
        let reader = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        defer { try? reader.close() }
        let acknowledged = try first.read(from: .first, limit: .max)
        first.abandonForTesting()
        #expect(try reader.read(from: .first, limit: .max) == acknowledged)
        let second = try Log.open(directory: dir.path, options: Self.options())
        defer { try? second.close() }
        for tag in 30..<60 { try second.append(SealedFixture.batch(tag)) }
        try reader.refresh()
        let all = try reader.read(from: .first, limit: .max)
        #expect(all.map(\.position.rawValue) == Array(1...all.last!.position.rawValue))
        #expect(all == (try second.read(from: .first, limit: .max)))
        #expect(Array(all.prefix(acknowledged.count)) == acknowledged)
    }

    /// Proves the `HEAD` file's two slots: a flipped byte in the current slot falls back to the
    /// other (an older, still true watermark); both slots broken with no `CLEAN` marker fails
    /// the open clearly instead of guessing; an empty directory is not a store.
    @Test func headFileDamageFallsBackOrFailsClearly() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let writer = try Log.open(directory: dir.path, options: Self.options())
        try writer.append(SealedFixture.batch(0, count: 4))
        try writer.append(SealedFixture.batch(1, count: 4))
        let published = try #require(HeadFile.read(PosixFileSystem(), path: dir.file("HEAD")))
        #expect(published.durableNext == LogPosition(9))
        writer.abandonForTesting()  // no CLEAN marker, as after a crash
        let head = URL(fileURLWithPath: dir.file("HEAD"))
        var bytes = try Data(contentsOf: head)
        let current = Int(published.sequence % 2) * 64
        bytes[current + 30] ^= 0x01
        try bytes.write(to: head)
        let reader = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        #expect(reader.lastPosition == LogPosition(4), "the other slot: the append before the last")
        try reader.close()
        bytes[(64 - current) + 30] ^= 0x01
        try bytes.write(to: head)
        do { _ = try Log.open(directory: dir.path, options: Self.options(), mode: .readOnly); Issue.record("opened without a head") } catch {
            #expect(error.code == .notFound && error.message.contains("open it once for writing"), "\(error)")
        }
        let empty = TemporaryDirectory()
        defer { empty.remove() }
        do { _ = try Log.open(directory: empty.file("nothing"), options: Self.options(), mode: .readOnly); Issue.record("opened nothing") } catch {
            #expect(error.code == .notFound)
        }
    }
}
