import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct SubscriptionTests {
    /// Proves a subscription started mid-stream delivers every later position exactly once, in order, across the history-to-live switch, for many seeded interleavings of concurrent appenders.
    @Test(arguments: Array(UInt64(1)...12))
    func switchOverHasNoGapAndNoDuplicate(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let buffer = Int.random(in: 1...8, using: &random)
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: 8192), subscriptionBufferEvents: buffer)
        try await withStore(options) { store, _ in
            let history = Int.random(in: 0...40, using: &random)
            for index in 0..<history { try await store.append(to: "h-\(index % 3)", Fixtures.events(1, tag: "\(index)")) }
            let writers = Int.random(in: 1...4, using: &random)
            let perWriter = Int.random(in: 5...40, using: &random)
            let start = Int.random(in: 0...history, using: &random)
            let subscription = try store.subscribe(from: .position(LogPosition(UInt64(start) + 1)))
            let total = history - start + writers * perWriter
            let delays = (0..<writers).map { _ in UInt64.random(in: 0...200_000, using: &random) }
            async let received: [LogPosition] = {
                var seen: [LogPosition] = []
                for try await event in subscription {
                    seen.append(event.position)
                    if seen.count == total { break }
                }
                return seen
            }()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for index in 0..<perWriter {
                            if index % 5 == 0 { try await Task.sleep(nanoseconds: delays[writer]) }
                            try await store.append(to: "w-\(writer)", Fixtures.events(1, tag: "\(writer).\(index)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await received
            #expect(seen.map(\.rawValue) == Array((UInt64(start) + 1)...(UInt64(history + writers * perWriter))), "seed \(seed)")
        }
    }

    /// Proves filters pass exactly the matching events, live, and control records are never delivered.
    @Test(arguments: [
        (EventFilter.category("order"), ["order-1", "order-2"]),
        (.stream("order-2"), ["order-2"]),
        (.streamPrefix("us"), ["user-1"]),
        (.eventType("Special"), ["user-1"]),
    ])
    func filtersPassMatchingEvents(filter: EventFilter, streams: [String]) async throws {
        try await withStore { store, _ in
            let subscription = try store.subscribe(from: .end, filter: filter)
            async let received: [String] = {
                var seen: [String] = []
                for try await event in subscription {
                    seen.append(event.stream.rawValue)
                    if event.stream == "done" || seen.count == streams.count { break }
                }
                return seen
            }()
            try await store.append(to: "order-1", Fixtures.events(1))
            try await store.softDelete(stream: "order-1")
            try await store.append(to: "user-1", Fixtures.events(1, type: "Special"))
            try await store.append(to: "order-2", Fixtures.events(1))
            #expect(try await received == streams)
        }
    }

    /// Proves a subscriber that never reads holds at most its buffer and does not slow writers, then catches up completely.
    @Test func slowConsumerCatchesUpFromTheLog() async throws {
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: 8192), subscriptionBufferEvents: 4)
        try await withStore(options) { store, _ in
            let subscription = try store.subscribe(from: .start)
            var iterator = subscription.makeAsyncIterator()
            try await store.append(to: "s", Fixtures.events(1, tag: "first"))
            let first = try #require(try await iterator.next())
            for index in 1..<300 { try await store.append(to: "s", Fixtures.events(1, tag: "\(index)")) }
            #expect(iterator.buffer.count <= 4)
            var positions: [UInt64] = [first.position.rawValue]
            while positions.count < 300, let event = try await iterator.next() {
                positions.append(event.position.rawValue)
                #expect(iterator.buffer.count <= 4)
            }
            #expect(positions == Array(1...300))
        }
    }

    /// Proves a named checkpoint survives a restart and resumes delivery right after the saved position.
    @Test func checkpointResumesAfterRestart() async throws {
        let dir = TemporaryDirectory("annals-sub")
        defer { dir.remove() }
        var store = try await EventStore.open(directory: dir.path, options: Fixtures.fast())
        try await store.append(to: "s", Fixtures.events(10))
        var seen: [UInt64] = []
        for try await event in try store.subscribe(from: .checkpoint("projector")) {
            seen.append(event.position.rawValue)
            if event.position == LogPosition(4) {
                try await store.saveCheckpoint(named: "projector", position: event.position)
                break
            }
        }
        #expect(seen == [1, 2, 3, 4])
        try await store.close()
        store = try await EventStore.open(directory: dir.path, options: Fixtures.fast())
        #expect(store.checkpoint(named: "projector") == LogPosition(4))
        seen = []
        for try await event in try store.subscribe(from: .checkpoint("projector")) {
            seen.append(event.position.rawValue)
            if seen.count == 6 { break }
        }
        #expect(seen == Array(5...10))
        try await store.close()
    }

    /// Proves closing the store ends a live subscription (after it delivered both appended
    /// events, so it cannot pass with none) instead of leaving it waiting.
    @Test func closeEndsLiveSubscriptions() async throws {
        let dir = TemporaryDirectory("annals-sub")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path, options: Fixtures.fast())
        let subscription = try store.subscribe(from: .end)
        let delivered = Guarded(0)
        let consumer = Task { () throws -> Int in
            for try await _ in subscription { delivered.withLock { $0 += 1 } }
            return delivered.withLock { $0 }
        }
        try await store.append(to: "s", Fixtures.events(2))
        // Deliveries first, so the test cannot pass with none; then close must end the stream.
        let arrived = await Deadline.wait(seconds: 30) { () async -> Bool in delivered.withLock { $0 } == 2 }
        #expect(arrived, "the live subscription delivered \(delivered.withLock { $0 }) of 2 events before close")
        try await store.close()
        #expect(try await consumer.value == 2)
    }
}
