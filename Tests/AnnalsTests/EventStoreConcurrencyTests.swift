import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// Many appenders and readers at once, through the commit thread, under `.always` and `.none`.
@Suite(.timeLimit(.minutes(10)))
struct EventStoreConcurrencyTests {
    static let writers = 64
    static let appendsPerWriter = 25
    static let streams = 16
    static let readers = 8

    /// Proves 64 concurrent single-event appenders and 8 readers never see a version gap, a
    /// duplicate, or a record past the log's committed (under `.always`: durable) watermark,
    /// across segment rolls; and that every acknowledged append is read back where it said.
    @Test(arguments: [true, false])
    func appendersAndReadersNeverSeeGapsOrUncommittedRecords(syncEachGroup: Bool) async throws {
        let durability: Durability = syncEachGroup ? .always : .none
        let options = EventStoreOptions(log: LogOptions(durability: durability, segmentBytes: 16 * 1024))
        try await withStore(options) { store, _ in
            let problems = Guarded<[String]>([])
            let acknowledged = Guarded<[StreamName: [UInt64: LogPosition]]>([:])
            let writing = Guarded(Self.writers)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<Self.writers {
                    group.addTask {
                        for index in 0..<Self.appendsPerWriter {
                            let stream = StreamName("s-\((writer + index) % Self.streams)")
                            let result = try await store.append(to: stream, Fixtures.events(1, tag: "\(writer)-\(index)"))
                            acknowledged.withLock { $0[stream, default: [:]][result.streamVersion] = result.positions.lowerBound }
                        }
                        writing.withLock { $0 -= 1 }
                    }
                }
                for reader in 0..<Self.readers {
                    group.addTask {
                        var random = SeededRandom(seed: UInt64(reader + 1))
                        while writing.withLock({ $0 }) > 0 {
                            let found = Self.check(store, stream: StreamName("s-\(Int.random(in: 0..<Self.streams, using: &random))"))
                            if let found { problems.withLock { $0.append(found) } }
                            await Task.yield()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0.prefix(5) })")
            let total = Self.writers * Self.appendsPerWriter
            #expect(store.lastPosition == LogPosition(UInt64(total)))
            #expect(store.log.segmentBases().count > 5, "the run must cross segment rolls")
            for (stream, versions) in acknowledged.withLock({ $0 }) {
                let events = try await store.read(stream: stream)
                #expect(events.map(\.version) == Array(0..<UInt64(events.count)), "\(stream)")
                #expect(events.count == versions.count, "\(stream): every acknowledged append is readable once")
                for event in events { #expect(versions[event.version] == event.position, "\(stream) v\(event.version)") }
            }
        }
    }

    /// One reader's check of one stream: versions gapless from 0, positions increasing, and no
    /// position at or past the log's committed watermark read after the stream.
    static func check(_ store: EventStore, stream: StreamName) -> String? {
        let events: [RecordedEvent]
        do { events = try store.reader.read(stream: stream) } catch { return "\(stream): \(error)" }
        let committed = store.log.nextPosition
        for (index, event) in events.enumerated() {
            if event.version != UInt64(index) { return "\(stream): version \(event.version) at index \(index)" }
            if index > 0 && event.position <= events[index - 1].position { return "\(stream): positions out of order" }
            if event.position >= committed { return "\(stream): saw position \(event.position) past the committed end \(committed)" }
        }
        return nil
    }
}

extension EventStoreConcurrencyTests {
    /// Proves closing under load neither hangs nor loses an acknowledged append: every append
    /// either returns (and reads back after reopen) or fails with `.closed`, under `.always`
    /// (commit thread) and `.none` (inline commits racing the close).
    @Test(arguments: [true, false])
    func closeUnderLoadKeepsEveryAcknowledgedAppend(syncEachGroup: Bool) async throws {
        let dir = TemporaryDirectory("annals-close-load")
        defer { dir.remove() }
        let options = EventStoreOptions(log: LogOptions(durability: syncEachGroup ? .always : .none, segmentBytes: 16 * 1024))
        let store = try await EventStore.open(directory: dir.path, options: options)
        let acknowledged = Guarded<[LogPosition]>([])
        let unexpected = Guarded<[String]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for index in 0..<10_000 {
                        do throws(EventStoreError) {
                            let result = try await store.append(to: StreamName("w-\(writer)"), Fixtures.events(1, tag: "\(index)"))
                            acknowledged.withLock { $0.append(result.positions.lowerBound) }
                        } catch .closed {
                            return
                        } catch {
                            unexpected.withLock { $0.append("\(error)") }
                            return
                        }
                    }
                }
            }
            group.addTask {
                while acknowledged.withLock({ $0.count }) < 200 { await Task.yield() }
                try await store.close()
            }
            try await group.waitForAll()
        }
        #expect(unexpected.withLock { $0 }.isEmpty, "\(unexpected.withLock { $0.prefix(3) })")
        let reopened = try await EventStore.open(directory: dir.path, options: options)
        let stored = Set(try await reopened.readAll().map(\.position))
        let missing = acknowledged.withLock { $0 }.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "acknowledged but gone after close: \(missing.prefix(5))")
        try await reopened.close()
    }
}
