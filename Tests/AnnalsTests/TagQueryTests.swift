import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// Tags in records and reads by tag query (docs/DCB.md), checked against a brute-force filter
/// over the whole log.
@Suite(.timeLimit(.minutes(5))) struct TagQueryTests {
    static let courses = ["course:c1", "course:c2", "course:c3"]
    static let students = (0..<8).map { "student:s\($0)" }
    static let types = ["CourseDefined", "StudentSubscribed", "StudentUnsubscribed", "Noise"]

    /// A random event with 0 to 3 tags.
    static func event(_ random: inout SeededRandom) -> EventData {
        var tags: [String] = []
        if Int.random(in: 0..<4, using: &random) > 0 { tags.append(courses.randomElement(using: &random)!) }
        if Bool.random(using: &random) { tags.append(students.randomElement(using: &random)!) }
        if Int.random(in: 0..<8, using: &random) == 0 { tags.append("rare") }
        return EventData(type: types.randomElement(using: &random)!, data: Array("{}".utf8), tags: tags)
    }

    static let queries: [EventQuery] = [
        EventQuery(tags: ["course:c1"]),
        EventQuery(types: ["StudentSubscribed"], tags: ["course:c2", "student:s3"]),
        EventQuery([.init(types: ["CourseDefined"], tags: ["course:c1"]), .init(types: ["StudentSubscribed", "StudentUnsubscribed"], tags: ["student:s1"])]),
        EventQuery(types: ["Noise"]),
        EventQuery(types: ["Noise", "CourseDefined"]),
        EventQuery(tags: ["rare", "course:c3"]),
        EventQuery(tags: ["absent"]),
        EventQuery.all,
        EventQuery([.init(tags: ["rare"]), .init()]),
    ]

    /// What `query` must return: a filter over every event of the log.
    static func expected(_ all: [RecordedEvent], _ query: EventQuery, after: LogPosition?, limit: Int) -> [RecordedEvent] {
        let matching = all.filter { event in
            (after.map { event.position > $0 } ?? true) && query.items.contains { item in
                (item.types.isEmpty || item.types.contains(event.type)) && item.tags.allSatisfy(event.tags.contains)
            }
        }
        return Array(matching.prefix(limit))
    }

    /// Proves tag queries read exactly the matching events, in log order, after any position and
    /// under any limit: across many segments, from the open segment and the written `.qidx`
    /// files, after a reopen, and with every query key hashing alike (collisions resolved
    /// against the records).
    @Test(arguments: [nil, 7 as UInt64])
    func queriesMatchABruteForceFilter(constantHash: UInt64?) async throws {
        var hash: (@Sendable (String) -> UInt64)?
        if let constantHash { hash = { @Sendable _ in constantHash } }
        let dir = TemporaryDirectory("annals-tags")
        defer { dir.remove() }
        var random = SeededRandom(seed: 16)
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments(hash: hash))
        for index in 0..<120 {
            let events = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.event(&random) }
            try await store.append(to: StreamName("order-\(index % 5)"), events)
        }
        #expect(store.log.segmentBases().count > 5)
        for reopen in [false, true] {
            if reopen {
                try await store.close()
                store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments(hash: hash))
            }
            store.waitForIndexWrites()
            let all = try await store.readAll()
            #expect(all.contains { !$0.tags.isEmpty })
            for query in Self.queries {
                for after in [nil, LogPosition(1), all[all.count / 2].position, all.last!.position] as [LogPosition?] {
                    for limit in [1, 7, Int.max] {
                        let read = try await store.read(query, after: after, limit: limit)
                        let expected = Self.expected(all, query, after: after, limit: limit)
                        #expect(read == expected, "query \(query) after \(String(describing: after)) limit \(limit) reopen \(reopen)")
                    }
                }
                let filtered = try await store.read(filter: .query(query))
                #expect(filtered == Self.expected(all, query, after: nil, limit: .max))
            }
        }
        try await store.close()
    }

    /// Proves category and event-type reads, now served by the query index, return what a scan
    /// of the log does, from any position.
    @Test func categoryAndTypeReadsMatchTheScan() async throws {
        try await withStore(Fixtures.smallSegments(hash: { @Sendable _ in 3 })) { store, _ in
            for index in 0..<200 {
                let stream = ["order-\(index % 7)", "invoice-\(index % 3)", "order", "orders-1"][index % 4]
                try await store.append(to: StreamName(stream), Fixtures.events(1 + index % 2, type: ["A", "B", "C"][index % 3]))
            }
            store.waitForIndexWrites()
            let all = try await store.readAll()
            for from in [LogPosition.first, LogPosition(77), LogPosition(400)] {
                for category in ["order", "invoice", "orders", "none"] {
                    let read = try await store.read(category: category, fromPosition: from)
                    #expect(read == all.filter { $0.position >= from && ($0.stream.rawValue == category || $0.stream.rawValue.hasPrefix(category + "-")) }, "category \(category)")
                }
                for type in ["A", "C", "Z"] {
                    let read = try await store.read(eventType: type, fromPosition: from, limit: 9)
                    #expect(read == Array(all.filter { $0.position >= from && $0.type == type }.prefix(9)))
                }
            }
        }
    }

    /// Proves tags round-trip through every read and survive a reopen, and that bad tags and
    /// empty queries are refused with clear typed errors and write nothing.
    @Test func tagsRoundTripAndBadTagsAreRefused() async throws {
        try await withStore { store, _ in
            let tagged = EventData(type: "T", data: [1], tags: ["b:2", "a:1", "ünïcode"])
            try await store.append(to: "s-1", [tagged])
            #expect(try await store.read(stream: "s-1").map(\.tags) == [["b:2", "a:1", "ünïcode"]])
            #expect(try await store.readAll().map(\.tags) == [["b:2", "a:1", "ünïcode"]])
            let bad: [([String], String)] = [
                ([""], "1...255"), ([String(repeating: "x", count: 256)], "1...255"),
                (["a", "a"], "twice"), ((0..<33).map { "t\($0)" }, "at most 32"),
            ]
            for (tags, message) in bad {
                do throws(EventStoreError) {
                    try await store.append(to: "s-1", [EventData(type: "T", data: [], tags: tags)])
                    Issue.record("tags \(tags.prefix(2)) were accepted")
                } catch {
                    #expect(error.code == .invalidArgument)
                    #expect("\(error)".contains(message), "\(error)")
                    #expect(error.stream == "s-1")
                }
            }
            await #expect(throws: EventStoreError.self) { try await store.read(EventQuery([])) }
            await #expect(throws: EventStoreError.self) { try await store.read(EventQuery(tags: [""])) }
            #expect(try await store.read(stream: "s-1").count == 1, "nothing refused was written")
            let limits = (0..<32).map { "tag-\($0)-" + String(repeating: "y", count: 240) }
            try await store.append(to: "s-1", [EventData(type: "T", data: [], tags: limits)])
            #expect(try await store.read(EventQuery(tags: [limits[31], limits[0]])).map(\.tags) == [limits])
        }
    }

    /// Proves a subscription with a query filter delivers exactly the matching events, history
    /// and then live ones.
    @Test func subscriptionFiltersByQuery() async throws {
        try await withStore { store, _ in
            let query = EventQuery(types: ["StudentSubscribed"], tags: ["course:c1"])
            try await store.append(to: "a", [
                EventData(type: "StudentSubscribed", data: [], tags: ["course:c1", "student:s1"]),
                EventData(type: "StudentSubscribed", data: [], tags: ["course:c2"]),
            ])
            let subscription = try store.subscribe(from: .start, filter: .query(query))
            try await store.append(to: "b", [
                EventData(type: "CourseDefined", data: [], tags: ["course:c1"]),
                EventData(type: "StudentSubscribed", data: [], tags: ["student:s2", "course:c1"]),
            ])
            var seen: [LogPosition] = []
            for try await event in subscription {
                seen.append(event.position)
                if seen.count == 2 { break }
            }
            #expect(seen == [LogPosition(1), LogPosition(4)])
        }
    }

    /// Proves a store whose segments have no `.qidx` (as one written before tags) reopens,
    /// rebuilds the files, and answers queries from them.
    @Test func missingQueryIndexesAreRebuilt() async throws {
        let dir = TemporaryDirectory("annals-qidx-upgrade")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        for index in 0..<400 {
            try await store.append(to: "s-\(index % 3)", [EventData(type: "T", data: [], tags: ["n:\(index % 10)"])])
        }
        try await store.close()
        let removed = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".qidx") }
        #expect(removed.count > 3)
        for name in removed { try FileManager.default.removeItem(atPath: dir.path + "/" + name) }
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        #expect(store.openReport.indexesRebuilt.filter { $0.hasSuffix(".qidx") }.count == removed.count)
        #expect(try await store.read(EventQuery(tags: ["n:4"])).count == 40)
        try await store.close()
    }
}

/// `verify` checks every full segment's stream-layer index files against a rebuild from the
/// segment's records.
@Suite(.timeLimit(.minutes(2))) struct DerivedIndexVerifyTests {
    /// A closed store of several segments with tagged events.
    static func makeStore(_ dir: TemporaryDirectory) async throws {
        let store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        for index in 0..<200 {
            try await store.append(to: StreamName("c\(index % 3)-\(index % 7)"), [EventData(type: "T\(index % 4)", data: Array("{}".utf8), tags: ["n:\(index % 9)"])])
        }
        try await store.close()
    }

    /// Proves a healthy store verifies with every index entry counted; a flipped byte in a
    /// `.qidx` (failing its checksum) and a `.sidx` whose checksums were recomputed over a
    /// changed entry (passing them) are each reported by name, through `EventStore.verify` and
    /// through the `Log`-level pass `annals verify` uses.
    @Test func damagedAndWrongIndexFilesAreReported() async throws {
        let dir = TemporaryDirectory("annals-verify-idx")
        defer { dir.remove() }
        try await Self.makeStore(dir)
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        let healthy = store.verify()
        #expect(healthy.isHealthy, "\(healthy.problems)")
        #expect(healthy.indexEntriesChecked > 200 * 3, "stream, id, time and query entries are counted")
        try await store.close()

        let names = try PosixFileSystem().list(dir.path).sorted()
        let flipped = names.first { $0.hasSuffix(".qidx") }!
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file(flipped))))
        bytes[bytes.count - 3] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file(flipped)))
        let wrong = names.last { $0.hasSuffix(".sidx") }!
        var sidx = try Array(Data(contentsOf: URL(fileURLWithPath: dir.file(wrong))))
        sidx[sidx.count - 8] ^= 0x01  // the last entry's position
        let bodyChecksum = CRC32C.checksum(Array(sidx[DerivedIndexFile.headerBytes...]))
        withUnsafeBytes(of: bodyChecksum.littleEndian) { sidx.replaceSubrange(40..<44, with: $0) }
        let headerChecksum = CRC32C.checksum(Array(sidx[0..<DerivedIndexFile.headerChecksumOffset]))
        withUnsafeBytes(of: headerChecksum.littleEndian) { sidx.replaceSubrange(60..<64, with: $0) }
        try Data(sidx).write(to: URL(fileURLWithPath: dir.file(wrong)))

        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments(), mode: .readOnly)
        let report = store.verify()
        try await store.close()
        #expect(report.problems.map(\.file) == [flipped, wrong], "\(report.problems)")
        #expect(report.problems.first?.message.contains("fails its checks") == true)
        #expect(report.problems.last?.message.contains("disagrees with the segment's records") == true)

        let log = try Log.open(directory: dir.path, options: LogOptions(segmentBytes: 4096), mode: .readOnly)
        var logReport = log.verify()
        EventStore.verifyDerivedIndexes(of: log, into: &logReport)
        try log.close()
        #expect(logReport.problems.map(\.file) == [flipped, wrong])
    }
}

/// The query-key hashes computed from UTF-8 bytes on the append path agree with the keys'
/// own hashes, which reads and the written files use.
@Suite struct QueryKeyHashTests {
    @Test(arguments: ["order-17", "order", "-x", "a-b-c", "é-1", "", "x".padding(toLength: 300, withPad: "y", startingAt: 0)])
    func bytewiseHashesMatchTheKeys(stream: String) {
        for hash in [StreamHash.standard, StreamHash.custom { UInt64($0.utf8.count) }] {
            #expect(QueryKey.categoryHash(ofStream: stream, hash) == QueryKey.category(ofStream: stream).hash(hash))
            #expect(QueryKey.typeHash(stream, hash) == QueryKey.type(stream).hash(hash))
        }
    }
}
