import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct EventStoreTests {
    /// Proves a stream's first event gets version 0, versions count up, and reads return exactly what was appended.
    @Test func appendThenReadStream() async throws {
        try await withStore { store, _ in
            let events = Fixtures.events(3)
            let first = try await store.append(to: "order-1", events, expectedVersion: .noStream)
            #expect(first.streamVersion == 2)
            #expect(first.positions == LogPosition(1)...LogPosition(3))
            let second = try await store.append(to: "order-1", Fixtures.events(2, tag: "b"), expectedVersion: .exact(2))
            #expect(second.streamVersion == 4)
            let read = try await store.read(stream: "order-1")
            #expect(read.map(\.version) == [0, 1, 2, 3, 4])
            #expect(read.prefix(3).map(\.id) == events.map(\.id))
            #expect(read[0].data == events[0].data && read[0].type == "Tested")
            let backward = try await store.read(stream: "order-1", fromVersion: 3, direction: .backward, limit: 2)
            #expect(backward.map(\.version) == [3, 2])
            let forward = try await store.read(stream: "order-1", fromVersion: 1, limit: 2)
            #expect(forward.map(\.version) == [1, 2])
            #expect(try await store.read(stream: "missing").isEmpty)
        }
    }

    /// Proves each expected-version case accepts and rejects the right stream states, and a rejected append writes nothing.
    @Test(arguments: [
        (ExpectedVersion.any, nil as UInt64?, true), (.any, 1, true),
        (.noStream, nil, true), (.noStream, 1, false),
        (.streamExists, nil, false), (.streamExists, 1, true),
        (.exact(1), 1, true), (.exact(0), 1, false), (.exact(0), nil, false),
    ])
    func expectedVersion(expected: ExpectedVersion, existing: UInt64?, accepted: Bool) async throws {
        try await withStore { store, _ in
            if let existing { try await store.append(to: "s", Fixtures.events(Int(existing) + 1)) }
            let before = store.log.nextPosition
            do throws(EventStoreError) {
                _ = try await store.append(to: "s", Fixtures.events(1, tag: "x"), expectedVersion: expected)
                #expect(accepted)
            } catch {
                #expect(!accepted)
                #expect(error == .wrongExpectedVersion(stream: "s", expected: expected, actual: existing))
                #expect(store.log.nextPosition == before)
            }
        }
    }

    /// Proves that of many concurrent appends expecting the same version exactly one wins, over many rounds.
    @Test func racingAppendsExactlyOneWins() async throws {
        try await withStore { store, _ in
            for round in 0..<20 {
                let expected: ExpectedVersion = round == 0 ? .noStream : .exact(UInt64(round - 1))
                let wins = await withTaskGroup(of: Bool.self) { group in
                    for racer in 0..<8 {
                        group.addTask {
                            do throws(EventStoreError) {
                                _ = try await store.append(to: "race", Fixtures.events(1, tag: "\(round)-\(racer)"), expectedVersion: expected)
                                return true
                            } catch {
                                guard case .wrongExpectedVersion = error else { return false }
                                return false
                            }
                        }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(wins == 1, "round \(round)")
            }
            let read = try await store.read(stream: "race")
            #expect(read.map(\.version) == Array(0..<20))
        }
    }

    /// Proves a multi-stream append is atomic: one failing expectation writes nothing, and a passing one writes every stream.
    @Test func multiStreamAppendIsAtomic() async throws {
        try await withStore { store, _ in
            try await store.append(to: "a", Fixtures.events(1))
            do throws(EventStoreError) {
                _ = try await store.append([
                    StreamAppend(stream: "a", events: Fixtures.events(1), expectedVersion: .exact(0)),
                    StreamAppend(stream: "b", events: Fixtures.events(1), expectedVersion: .streamExists),
                ])
                Issue.record("the append should have failed")
            } catch {
                #expect(error == .wrongExpectedVersion(stream: "b", expected: .streamExists, actual: nil))
            }
            #expect(store.log.nextPosition == LogPosition(2))
            let result = try await store.append([
                StreamAppend(stream: "a", events: Fixtures.events(2), expectedVersion: .exact(0)),
                StreamAppend(stream: "b", events: Fixtures.events(1), expectedVersion: .noStream),
            ])
            #expect(result.positions == LogPosition(2)...LogPosition(4))
            #expect(result.streamVersions == ["a": 2, "b": 0])
        }
    }

    /// Proves a stream named twice in one multi-stream append keeps the given order in the log and
    /// numbers and checks its second part after its first, by appending a, b, a and reading back.
    @Test func multiStreamAppendKeepsInterleavedOrder() async throws {
        try await withStore { store, _ in
            let result = try await store.append([
                StreamAppend(stream: "a", events: Fixtures.events(2, tag: "a1"), expectedVersion: .noStream),
                StreamAppend(stream: "b", events: Fixtures.events(1, tag: "b1")),
                StreamAppend(stream: "a", events: Fixtures.events(1, tag: "a2"), expectedVersion: .exact(1)),
            ])
            #expect(result.positions == LogPosition(1)...LogPosition(4))
            #expect(result.streamVersions == ["a": 2, "b": 0])
            let all = try await store.readAll()
            #expect(all.map(\.stream) == ["a", "a", "b", "a"])
            #expect(all.map(\.version) == [0, 1, 0, 2])
            await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "a", expected: .exact(2), actual: 3)) {
                try await store.append([
                    StreamAppend(stream: "a", events: Fixtures.events(1, tag: "a3")),
                    StreamAppend(stream: "a", events: Fixtures.events(1, tag: "a4"), expectedVersion: .exact(2)),
                ])
            }
            #expect(store.log.nextPosition == LogPosition(5))
        }
    }

    /// Proves stream heads and reads survive close and reopen, and the reopened store checks versions against them.
    @Test func reopenKeepsVersions() async throws {
        let dir = TemporaryDirectory("annals-streams")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        for index in 0..<30 { try await store.append(to: "s-\(index % 3)", Fixtures.events(2, tag: "\(index)")) }
        try await store.close()
        store = try await EventStore.open(directory: dir.path, options: Fixtures.smallSegments())
        #expect(store.openReport.indexesRebuilt.isEmpty && !store.openReport.headsRebuilt)
        #expect(try store.info(stream: "s-1")?.version == 19)
        await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "s-1", expected: .exact(3), actual: 19)) {
            try await store.append(to: "s-1", Fixtures.events(1), expectedVersion: .exact(3))
        }
        let result = try await store.append(to: "s-1", Fixtures.events(1), expectedVersion: .exact(19))
        #expect(result.streamVersion == 20)
        #expect(try await store.read(stream: "s-1").map(\.version) == Array(0...20))
        try await store.close()
    }

    /// Proves reads by category, event type and global position see the right events in position order.
    @Test func categoryTypeAndAllReads() async throws {
        try await withStore { store, _ in
            try await store.append(to: "order-1", Fixtures.events(2, type: "Placed"))
            try await store.append(to: "user-1", Fixtures.events(1, type: "Joined"))
            try await store.append(to: "order-2", Fixtures.events(1, type: "Shipped"))
            try await store.append(to: "order", Fixtures.events(1, type: "Placed"))
            #expect(try await store.read(category: "order").map(\.position.rawValue) == [1, 2, 4, 5])
            #expect(try await store.read(eventType: "Placed").map(\.position.rawValue) == [1, 2, 5])
            #expect(try await store.read(filter: .streamPrefix("user")).map(\.stream) == ["user-1"])
            #expect(try await store.readAll(limit: 3).map(\.position.rawValue) == [1, 2, 3])
            #expect(try await store.readAll(fromPosition: LogPosition(4), direction: .backward).map(\.position.rawValue) == [4, 3, 2, 1])
        }
    }

    /// Proves Codable events round-trip through JSON and default ids are UUIDv7.
    @Test func codableEvents() async throws {
        struct Placed: Codable, Equatable { var id: Int; var total: Double }
        try await withStore { store, _ in
            let event = try EventData.json(Placed(id: 7, total: 12.5), type: "OrderPlaced")
            #expect(event.type == "OrderPlaced")
            #expect(event.data == Array(#"{"id":7,"total":12.5}"#.utf8))
            #expect(UUIDv7.milliseconds(of: event.id) != nil)
            try await store.append(to: "order-7", [event])
            let read = try await store.read(stream: "order-7")
            #expect(try read[0].decode(Placed.self) == Placed(id: 7, total: 12.5))
        }
    }
}

extension EventStoreTests {
    /// Proves an event stamped with an exact nanosecond time reads back with exactly that time
    /// (a `Date` could not carry it), and the `Date` form agrees with it to its own precision.
    @Test func nanosecondTimestampsAreStoredExactly() async throws {
        try await withStore { store, _ in
            let times: [Int64] = [1_764_000_000_123_456_789, 1_764_000_000_123_456_790, 1_764_000_001_000_000_001]
            let events = times.map { EventData(type: "Imported", data: [1], timestampNanoseconds: $0) }
            try await store.append(to: "imported", events)
            let read = try await store.read(stream: "imported")
            #expect(read.map(\.timestampNanoseconds) == times)
            let viaDate = try #require(events[0].timestamp)
            #expect(abs(EventStore.nanoseconds(viaDate) - times[0]) < 1_000)
        }
    }
}
