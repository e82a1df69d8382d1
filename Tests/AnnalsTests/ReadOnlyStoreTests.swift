import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// `EventStore` opened read-only beside a writer: the same reads as the writer's, live
/// following by subscription, refusals of every change, and a writer that dies.
@Suite(.timeLimit(.minutes(10))) struct ReadOnlyStoreTests {
    static func options(_ durability: Durability = .always) -> EventStoreOptions {
        EventStoreOptions(log: LogOptions(durability: durability, segmentBytes: 8 * 1024))
    }

    static func fill(_ store: EventStore, rounds: Range<Int>) async throws {
        for round in rounds {
            try await store.append([
                StreamAppend(stream: "order-\(round % 7)", events: Fixtures.events(3, tag: "o\(round)", type: "Placed")),
                StreamAppend(stream: "user-\(round % 3)", events: Fixtures.events(1, tag: "u\(round)", type: "Seen")),
            ])
        }
    }

    /// Every read the writer answers, the reader answers identically.
    static func expectSameReads(_ reader: EventStore, _ writer: EventStore) async throws {
        #expect(try await reader.readAll() == writer.readAll())
        #expect(try reader.reader.streams() == writer.reader.streams())
        for stream in ["order-0", "order-6", "user-2"] {
            let name = StreamName(stream)
            #expect(try await reader.read(stream: name) == writer.read(stream: name))
            #expect(try await reader.read(stream: name, fromVersion: 2, direction: .backward, limit: 2) == writer.read(stream: name, fromVersion: 2, direction: .backward, limit: 2))
        }
        #expect(try reader.reader.read(filter: .category("user")) == writer.reader.read(filter: .category("user")))
    }

    /// Proves a read-only store reads exactly what the writer reads, while the writer rolls
    /// many segments (their index files written in the background, then adopted by the reader).
    @Test func readerMatchesTheWriterAcrossRolls() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(writer, rounds: 0..<20)
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        try await Self.expectSameReads(reader, writer)
        try await Self.fill(writer, rounds: 20..<200)
        writer.waitForIndexWrites()
        try await Task.sleep(nanoseconds: 2_000_000)  // past the follow interval
        try await Self.expectSameReads(reader, writer)
        #expect(writer.log.segmentBases().count > 5)
        #expect(reader.engine.lock.withLock { reader.engine.openSegments.count } <= 2, "written index files replace in-memory ones")
        try await reader.close()
        try await writer.close()
    }

    /// Proves a reader whose heads checkpoint covers part of the active segment (the writer
    /// closed, reopened and appended) reads no record at open, then indexes the whole active
    /// segment at its first catch-up and answers exactly as the writer does.
    @Test func checkpointInsideTheActiveSegmentCountsOnce() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let first = try await EventStore.open(directory: dir.path, options: EventStoreOptions(log: LogOptions(durability: .always)))
        try await Self.fill(first, rounds: 0..<40)
        try await first.close()
        let writer = try await EventStore.open(directory: dir.path, options: EventStoreOptions(log: LogOptions(durability: .always)))
        try await Self.fill(writer, rounds: 40..<50)
        let reader = try await EventStore.open(directory: dir.path, mode: .readOnly)
        #expect(reader.openReport.recordsScanned == 0, "a read-only open reads no record of the active segment")
        try await Self.expectSameReads(reader, writer)
        #expect(try reader.reader.info(stream: "order-3")?.version == writer.reader.info(stream: "order-3")?.version)
        try await reader.close()
        try await writer.close()
    }

    /// Proves a stream deletion, a hard delete and a checkpoint save by the writer, made while a
    /// reader reads, reach the reader as the writer sees them (deleted streams read as deleted)
    /// and never fail its reads.
    @Test func deletionsAndCheckpointsUnderAReader() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(writer, rounds: 0..<30)
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        #expect(try await reader.read(stream: "order-2").count == 12)
        try await writer.softDelete(stream: "order-2")
        try await writer.append(to: "temporary", Fixtures.events(2))
        try await writer.hardDelete(stream: "temporary")
        try await writer.saveCheckpoint(named: "projection", position: LogPosition(40))
        try await Task.sleep(nanoseconds: 2_000_000)
        await #expect(throws: EventStoreError.streamDeleted("order-2")) { try await reader.read(stream: "order-2") }
        await #expect(throws: EventStoreError.streamTombstoned("temporary")) { try await reader.read(stream: "temporary") }
        try await Self.fill(writer, rounds: 30..<40)  // revives order-2 from version 12
        try await Task.sleep(nanoseconds: 2_000_000)
        let revived = try await reader.read(stream: "order-2")
        let written = try await writer.read(stream: "order-2")
        #expect(revived.first?.version == 12 && revived == written)
        #expect(try reader.reader.streams() == writer.reader.streams())
        #expect(try await reader.readAll() == writer.readAll())
        try await reader.close()
        try await writer.close()
    }

    /// Proves a reader checks a derived index file's body at first use, not at open, and that
    /// a stream or time index whose body fails its checksum is indexed from the log in memory:
    /// reads stay exact, and the reader writes nothing (the writer's next open rebuilds it).
    @Test func damagedIndexBodiesAreIndexedInMemory() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(writer, rounds: 0..<120)
        writer.waitForIndexWrites()
        let expected = try await writer.read(stream: "order-3")
        let allEvents = try await writer.readAll()
        let middle = allEvents[allEvents.count / 3]
        let expectedPosition = try await writer.firstPosition(atOrAfter: middle.date)
        try await writer.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        for suffix in [".sidx", ".tidx"] {
            let name = try #require(names.first { $0.hasSuffix(suffix) })
            let url = URL(fileURLWithPath: dir.file(name))
            var bytes = try Data(contentsOf: url)
            bytes[bytes.count - 3] ^= 0x40  // the last entry's body, not the header
            try bytes.write(to: url)
        }
        let before = try ReadOnlyFiles.fingerprint(dir.path)
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        #expect(try await reader.read(stream: "order-3") == expected)
        #expect(try await reader.firstPosition(atOrAfter: middle.date) == expectedPosition)
        try await reader.close()
        #expect(try ReadOnlyFiles.fingerprint(dir.path) == before)
    }

    /// Proves a subscription in a read-only store delivers the writer's live appends exactly
    /// once and in order, across rolls, and ends cleanly when the reader closes.
    @Test func subscriptionFollowsTheWriter() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(writer, rounds: 0..<10)
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        let subscription = try reader.subscribe(from: .start)
        let consumer = Task { () throws -> [LogPosition] in
            var seen: [LogPosition] = []
            for try await event in subscription {
                seen.append(event.position)
                if seen.count == 400 { break }
            }
            return seen
        }
        try await Self.fill(writer, rounds: 10..<100)
        let seen = try await consumer.value
        #expect(seen.map(\.rawValue) == Array(1...400))
        let live = try reader.subscribe(from: .end)
        let ended = Task { () throws -> Int in
            var count = 0
            for try await _ in live { count += 1 }
            return count
        }
        try await Task.sleep(nanoseconds: 20_000_000)
        try await reader.close()
        #expect(try await ended.value == 0)
        try await writer.close()
    }

    /// Proves appends, deletes, checkpoint saves and seals fail with `.readOnly` and a message,
    /// and that opening, reading and closing a closed store read-only changes no file.
    @Test func changesFailAndNothingIsWritten() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(writer, rounds: 0..<50)
        try await writer.close()
        let before = try ReadOnlyFiles.fingerprint(dir.path)
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        #expect(try await reader.readAll().count == 200)
        _ = reader.verify()
        _ = try reader.stats()
        let refusals: [() async throws -> Void] = [
            { try await reader.append(to: "x", Fixtures.events(1)) },
            { _ = try await reader.softDelete(stream: "order-1") },
            { try await reader.saveCheckpoint(named: "c", position: LogPosition(3)) },
            { _ = try reader.sealFullSegments() },
        ]
        for refusal in refusals {
            do { try await refusal(); Issue.record("a change succeeded read-only") } catch let error as EventStoreError {
                guard case .storage(let cause) = error else { Issue.record("\(error)"); continue }
                #expect(cause.code == .readOnly && cause.message.contains("read-only"), "\(cause)")
            }
        }
        try await reader.close()
        #expect(try ReadOnlyFiles.fingerprint(dir.path) == before)
    }

    /// Proves a reader sees only what is durable: under `.none` the writer's appends stay
    /// invisible until its close syncs them.
    @Test func unsyncedAppendsStayInvisible() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: Self.options(.none))
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        try await writer.append(to: "s", Fixtures.events(5))
        try await Task.sleep(nanoseconds: 2_000_000)
        #expect(try await reader.readAll().isEmpty)
        try await writer.close()
        try await Task.sleep(nanoseconds: 2_000_000)
        #expect(try await reader.read(stream: "s").count == 5)
        try await reader.close()
    }

    /// Proves a reader keeps serving and following through a writer that dies without closing
    /// and a successor that recovers and appends: no gap, no duplicate, heads right.
    @Test func readerFollowsACrashedWritersSuccessor() async throws {
        let dir = TemporaryDirectory("annals-readonly")
        defer { dir.remove() }
        let first = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(first, rounds: 0..<30)
        let reader = try await EventStore.open(directory: dir.path, options: Self.options(), mode: .readOnly)
        let subscription = try reader.subscribe(from: .start)
        let consumer = Task { () throws -> [RecordedEvent] in
            var seen: [RecordedEvent] = []
            for try await event in subscription {
                seen.append(event)
                if seen.count == 240 { break }
            }
            return seen
        }
        // In-process, a "crashed" writer's index queue would live on and race its successor
        // on the same files; a real crash ends it. Let it finish first.
        first.waitForIndexWrites()
        first.log.abandonForTesting()
        let second = try await EventStore.open(directory: dir.path, options: Self.options())
        try await Self.fill(second, rounds: 30..<60)
        let seen = try await consumer.value
        #expect(seen.map(\.position.rawValue) == Array(1...240))
        #expect(seen == (try await second.readAll()))
        try await Task.sleep(nanoseconds: 2_000_000)
        try await Self.expectSameReads(reader, second)
        try await reader.close()
        try await second.close()
    }
}

enum ReadOnlyFiles {
    /// Every file's name, size and modification time.
    static func fingerprint(_ directory: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            result[name] = "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0)"
        }
        return result
    }
}
