import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// The paged `AsyncSequence` reads, the as-of read that stops at its time, and position counting.
@Suite(.timeLimit(.minutes(10))) struct ReadSequenceTests {
    /// Proves `events(in:)` yields exactly what `read(stream:)` returns, forward and backward,
    /// for page sizes that divide the stream, do not, and exceed it, across many segments.
    @Test(arguments: [1, 7, 50, 600])
    func streamSequenceMatchesArrayRead(pageEvents: Int) async throws {
        try await withStore(Fixtures.smallSegments()) { store, _ in
            for index in 0..<150 {
                try await store.append(to: index % 3 == 0 ? "order-1" : "order-2", Fixtures.events(1, tag: "\(index)"))
            }
            let expected = try await store.read(stream: "order-1")
            #expect(expected.count == 50)
            var forward: [RecordedEvent] = []
            for try await event in store.events(in: "order-1", pageEvents: pageEvents) { forward.append(event) }
            #expect(forward == expected)
            var backward: [RecordedEvent] = []
            for try await event in store.events(in: "order-1", direction: .backward, pageEvents: pageEvents) { backward.append(event) }
            #expect(backward == expected.reversed())
            var tail: [UInt64] = []
            for try await event in store.events(in: "order-1", fromVersion: 45, pageEvents: pageEvents) { tail.append(event.version) }
            #expect(tail == Array(45...49))
            var none = 0
            for try await _ in store.events(in: "missing", pageEvents: pageEvents) { none += 1 }
            #expect(none == 0)
        }
    }

    /// Proves iterating a deleted stream fails with the same typed error as reading it.
    @Test func streamSequenceOfDeletedStreamThrows() async throws {
        try await withStore { store, _ in
            try await store.append(to: "gone", Fixtures.events(3))
            try await store.softDelete(stream: "gone")
            var iterator = store.events(in: "gone").makeAsyncIterator()
            await #expect(throws: EventStoreError.streamDeleted("gone")) { _ = try await iterator.next() }
        }
    }

    /// Proves `events(fromPosition:filter:)` yields what the array reads return, skips control
    /// records, and ends at the head it saw when iteration began.
    @Test(arguments: [1, 13, 1000])
    func logSequenceMatchesArrayRead(pageEvents: Int) async throws {
        try await withStore(Fixtures.smallSegments()) { store, _ in
            for index in 0..<120 {
                try await store.append(to: index % 2 == 0 ? "order-\(index % 4)" : "user-\(index % 4)", Fixtures.events(1, tag: "\(index)"))
            }
            try await store.softDelete(stream: "user-1")
            var all: [RecordedEvent] = []
            for try await event in store.events(pageEvents: pageEvents) { all.append(event) }
            #expect(all == (try await store.readAll()))
            #expect(all.count == 120)
            var orders: [RecordedEvent] = []
            for try await event in store.events(fromPosition: LogPosition(11), filter: .category("order"), pageEvents: pageEvents) {
                orders.append(event)
            }
            #expect(orders == (try await store.read(category: "order", fromPosition: LogPosition(11))))
            var iterator = store.events(pageEvents: pageEvents).makeAsyncIterator()
            var seen = 0
            while try await iterator.next() != nil {
                seen += 1
                if seen == 1 { try await store.append(to: "late", Fixtures.events(1)) }
            }
            #expect(seen == 120, "an append after iteration began is not yielded")
        }
    }

    /// Proves the as-of read is exact when the stream spans many pages, and at every page edge.
    @Test func asOfAcrossPages() async throws {
        let clock = ManualClock()
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: 16_384, clock: clock.read))
        try await withStore(options) { store, _ in
            let count = EventStoreReader.asOfPageEvents * 2 + 10
            for index in 0..<count {
                clock.advance(1_000_000_000)
                try await store.append(to: "long", Fixtures.events(1, tag: "\(index)"))
                if index % 4 == 0 { try await store.append(to: "other", Fixtures.events(1, tag: "\(index)")) }
            }
            let all = try await store.read(stream: "long")
            let page = EventStoreReader.asOfPageEvents
            for cut in [0, page - 1, page, page + 1, 2 * page, count - 1] {
                let asOf = try await store.read(stream: "long", asOf: all[cut].date)
                #expect(asOf == Array(all[0...cut]), "cut \(cut)")
            }
            #expect(try await store.read(stream: "long", asOf: .distantFuture) == all)
        }
    }

    /// Proves an append's positions count their events and can be iterated, with no rawValue arithmetic.
    @Test func appendPositionsAreCountable() async throws {
        try await withStore { store, _ in
            try await store.append(to: "a", Fixtures.events(2))
            let result = try await store.append(to: "b", Fixtures.events(5))
            #expect(result.positions.count == 5)
            #expect(Array(result.positions) == (3...7).map { LogPosition(UInt64($0)) })
            #expect(LogPosition(3).distance(to: LogPosition(7)) == 4)
            #expect(LogPosition(7).advanced(by: -4) == LogPosition(3))
        }
    }

    /// Proves the deprecated names still forward to the new ones for this release.
    @available(*, deprecated)
    @Test func deprecatedNamesForward() async throws {
        try await withStore { store, _ in
            try await store.append(to: "s-1", Fixtures.events(4))
            #expect(try await store.read(stream: "s-1", from: 2).map(\.version) == [2, 3])
            #expect(try await store.readAll(from: LogPosition(3)).count == 2)
            #expect(try await store.read(category: "s", from: LogPosition(4)).count == 1)
            try await store.checkpoint(name: "c", position: LogPosition(2))
            #expect(store.checkpoint(named: "c") == LogPosition(2))
        }
    }
}

extension ReadSequenceTests {
    /// Proves a backward read of the log with no start begins at the newest event, as a
    /// backward stream read does (it used to begin at position 1).
    @Test func readAllBackwardStartsAtTheEnd() async throws {
        try await withStore { store, _ in
            try await store.append(to: "a", Fixtures.events(5))
            try await store.softDelete(stream: "a")
            let newest = try await store.readAll(direction: .backward, limit: 2)
            #expect(newest.map(\.position.rawValue) == [5, 4])
            #expect(try store.reader.readAll(direction: .backward).count == 5)
            #expect(try await store.readAll(fromPosition: LogPosition(2), direction: .backward).map(\.position.rawValue) == [2, 1])
            #expect(try await store.readAll().first?.position == LogPosition(1))
        }
    }
}

extension ReadSequenceTests {
    /// Proves the paged sequences of a read-only store beside a writer yield what the writer
    /// has made durable, including appends made after the reader opened.
    @Test func sequencesFollowTheWriterInAReadOnlyStore() async throws {
        let dir = TemporaryDirectory("annals-readonly-sequences")
        defer { dir.remove() }
        let options = EventStoreOptions(log: LogOptions(durability: .always, segmentBytes: 8 * 1024))
        let writer = try await EventStore.open(directory: dir.path, options: options)
        try await writer.append(to: "order-1", Fixtures.events(40))
        let reader = try await EventStore.open(directory: dir.path, options: options, mode: .readOnly)
        try await writer.append(to: "order-1", Fixtures.events(25, tag: "late"))
        try await Task.sleep(nanoseconds: 2_000_000)  // past the reader's 1 ms staleness bound
        var all: [RecordedEvent] = []
        for try await event in reader.events(pageEvents: 16) { all.append(event) }
        #expect(all == (try await writer.readAll()))
        #expect(all.count == 65)
        var stream: [UInt64] = []
        for try await event in reader.events(in: "order-1", pageEvents: 16) { stream.append(event.version) }
        #expect(stream == Array(0..<65))
        try await reader.close()
        try await writer.close()
    }
}
