import AnnalsTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Testing
import UnixSignals
@_spi(Testing) @testable import Annals
import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// A projection whose checkpoint is a durable store checkpoint, saved after each batch, so the
/// test can check after a reopen that the last applied batch's checkpoint was saved.
actor StoreCheckpointProjection: Projection {
    typealias Failure = any Error
    let store: EventStore
    let name: String
    private(set) var positions: [LogPosition] = []
    private(set) var lastThrough: LogPosition?

    init(store: EventStore, name: String) {
        self.store = store
        self.name = name
    }

    func checkpoint() -> LogPosition? { store.checkpoint(named: name) }

    func apply(_ events: [RecordedEvent], through: LogPosition) async throws {
        positions += events.map(\.position)
        try await store.saveCheckpoint(named: name, position: through)
        lastThrough = through
    }

    func reset() { positions = [] }
}

/// What the appenders got acknowledged, and how each of them ended.
final class LoadLedger: Sendable {
    // The project's pthread lock: ThreadSanitizer cannot see `Synchronization.Mutex` on Linux.
    private let state = Locked<(acknowledged: [(stream: String, id: UUID, position: LogPosition)], endings: [String])>(([], []))

    func acknowledge(_ stream: String, _ id: UUID, _ position: LogPosition) {
        state.withLock { $0.acknowledged.append((stream, id, position)) }
    }

    func end(_ how: String) { state.withLock { $0.endings.append(how) } }
    var count: Int { state.withLock { $0.acknowledged.count } }
    var acknowledged: [(stream: String, id: UUID, position: LogPosition)] { state.withLock { $0.acknowledged } }
    var endings: [String] { state.withLock { $0.endings } }
}

@Suite(.serialized, .timeLimit(.minutes(5))) struct ServiceLifecycleTests {
    /// Proves a SIGTERM to a running ServiceGroup (store + projection runner) under load from
    /// four appenders and a live subscriber: every appender then fails with the typed
    /// `.closed`, every acknowledged event is in the reopened store and nothing else is, the
    /// subscriber ends without an error and saw no gap, the projection's last checkpoint is
    /// saved, and the next open is clean with 0 tail bytes scanned.
    @Test func sigtermMidLoadShutsDownGracefully() async throws {
        let dir = TemporaryDirectory("annals-lifecycle")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path, options: EventStoreOptions(log: LogOptions(durability: .always)))
        let projection = StoreCheckpointProjection(store: store, name: "lifecycle")
        let runner = ProjectionRunner(store: store, projection: projection, batchEvents: 16)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [store, runner], gracefulShutdownSignals: [.sigterm], logger: Logger(label: "test.lifecycle")))

        let ledger = LoadLedger()
        let appenders = (0..<4).map { writer in
            Task {
                let stream = "load-\(writer)"
                while true {
                    let event = EventData(type: "Loaded", data: Array("{\"w\":\(writer)}".utf8))
                    do throws(EventStoreError) {
                        let result = try await store.append(to: StreamName(stream), [event])
                        ledger.acknowledge(stream, event.id, result.positions.lowerBound)
                    } catch {
                        return ledger.end(error == .closed ? "closed" : "\(error)")
                    }
                }
            }
        }
        let subscriber = Task { () throws(EventStoreError) -> [LogPosition] in
            var seen: [LogPosition] = []
            for try await event in try store.subscribe(from: .start) { seen.append(event.position) }
            return seen
        }
        let running = Task { try await group.run() }

        // Mid-load: once appends are flowing and the projection has applied some of them.
        let flowing = await Deadline.wait(seconds: 90, pollMilliseconds: 5) {
            let applied = await projection.lastThrough
            return ledger.count >= 50 && applied != nil  // within reach under ThreadSanitizer too
        }
        try #require(flowing, "the load never got going")
        kill(getpid(), SIGTERM)

        try await running.value
        for appender in appenders { await appender.value }
        let delivered = try await subscriber.value

        #expect(ledger.endings == Array(repeating: "closed", count: 4))
        #expect(delivered == (1...UInt64(delivered.count)).map { LogPosition($0) }, "the subscription has no gap")
        let applied = await projection.positions
        let last = await projection.lastThrough
        let lastThrough = try #require(last)
        #expect(applied == (1...lastThrough.rawValue).map { LogPosition($0) }, "the projection applied a gapless prefix")
        await #expect(throws: EventStoreError.closed) { try await store.append(to: "late", Fixtures.events(1)) }

        let reopened = try await EventStore.open(directory: dir.path)
        #expect(reopened.openReport.log.cleanShutdown)
        #expect(reopened.openReport.log.bytesScanned == 0)
        #expect(reopened.openReport.log.isClean)
        #expect(reopened.checkpoint(named: "lifecycle") == lastThrough, "the last batch's checkpoint was saved")
        let stored = try await reopened.readAll()
        let acknowledged = ledger.acknowledged.sorted { $0.position < $1.position }
        #expect(stored.count == acknowledged.count, "nothing unacknowledged was written, nothing acknowledged lost")
        for (event, ack) in zip(stored, acknowledged) {
            #expect(event.position == ack.position && event.id == ack.id && event.stream.rawValue == ack.stream)
        }
        #expect(delivered.count <= stored.count)
        try await reopened.close()
    }

    /// Proves the store's service closes it when its task is cancelled rather than shut down.
    @Test func cancellationClosesTheStore() async throws {
        let dir = TemporaryDirectory("annals-lifecycle")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path, options: Fixtures.fast())
        try await store.append(to: "a", Fixtures.events(3))
        let running = Task { try await store.run() }
        try await Task.sleep(for: .milliseconds(20))
        running.cancel()
        try await running.value
        await #expect(throws: EventStoreError.closed) { try await store.append(to: "a", Fixtures.events(1)) }
        let reopened = try await EventStore.open(directory: dir.path)
        #expect(reopened.openReport.log.cleanShutdown && reopened.openReport.log.bytesScanned == 0)
        #expect(try await reopened.read(stream: "a").count == 3)
        try await reopened.close()
    }
}
