import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// Power loss under the stream layer, on the simulated file system: the derived files (heads
/// checkpoint, .sidx/.eidx/.tidx/.qidx) must never make the store disagree with its log.
@Suite(.timeLimit(.minutes(10))) struct StreamsPowerLossTests {
    static let directory = "/store"

    struct Acknowledged {
        var stream: StreamName
        var events: [EventData]
        var result: AppendResult
    }

    /// Appends (and soft-deletes) at random until a scheduled power loss, then reopens on the rebooted disk.
    static func run(seed: UInt64, durability: Durability) async throws -> (store: EventStore, acknowledged: [Acknowledged]) {
        var random = SeededRandom(seed: seed)
        let fs = SimulatedFileSystem(seed: seed)
        var options = EventStoreOptions(log: LogOptions(durability: durability, segmentBytes: 4096, fileSystem: fs))
        options.waitsForIndexWrites = true  // the same file-system steps on every run of a seed
        let store = try await EventStore.open(directory: directory, options: options)
        fs.scheduleCrash(afterOperations: Int.random(in: 20...400, using: &random))
        var acknowledged: [Acknowledged] = []
        for index in 0..<300 {
            let stream = StreamName("s-\(Int.random(in: 0..<4, using: &random))")
            do throws(EventStoreError) {
                if Int.random(in: 0..<25, using: &random) == 0 {
                    try await store.softDelete(stream: stream)
                } else {
                    let events = Fixtures.events(Int.random(in: 1...3, using: &random), tag: "\(index)", type: "T\(index % 3)")
                        .map { EventData(id: $0.id, type: $0.type, data: $0.data, tags: ["n:\(index % 5)", "s:\(stream)"]) }
                    let result = try await store.append(to: stream, events)
                    acknowledged.append(Acknowledged(stream: stream, events: events, result: result))
                }
            } catch {
                if fs.hasCrashed { break }
                guard case .wrongExpectedVersion = error else { throw error }
            }
        }
        let rebooted = fs.crash()
        let reopened = try await EventStore.open(
            directory: directory, options: EventStoreOptions(log: LogOptions(durability: durability, segmentBytes: 4096, fileSystem: rebooted)))
        return (reopened, acknowledged)
    }

    /// Checks every stream read against a scan of the whole log, and the heads against the reads;
    /// tag queries, type and category reads against a filter of the log; and `verify` (which
    /// compares every full segment's index files with a rebuild from its records).
    static func checkConsistent(_ store: EventStore, seed: UInt64) async throws {
        let all = try await store.readAll()
        for query in [EventQuery(tags: ["n:1"]), EventQuery(types: ["T2"], tags: ["s:s-3"]), EventQuery([.init(types: ["T0"]), .init(tags: ["n:4", "s:s-0"])])] {
            let read = try await store.read(query)
            let filtered = all.filter { event in query.items.contains { ($0.types.isEmpty || $0.types.contains(event.type)) && $0.tags.allSatisfy(event.tags.contains) } }
            #expect(read == filtered, "seed \(seed) query \(query)")
        }
        #expect(try await store.read(category: "s") == all, "seed \(seed)")
        #expect(try await store.read(eventType: "T1") == all.filter { $0.type == "T1" }, "seed \(seed)")
        let report = store.verify()
        #expect(report.isHealthy, "seed \(seed): \(report.problems)")
        for info in try store.streams() where info.state == .live {
            let read = try await store.read(stream: info.stream)
            let scanned = all.filter { $0.stream == info.stream && $0.version >= (read.first?.version ?? 0) }
            #expect(read.map(\.id) == scanned.map(\.id), "seed \(seed) stream \(info.stream)")
            #expect(read.last?.version == info.version, "seed \(seed) stream \(info.stream)")
            #expect(UInt64(read.count) == info.eventCount, "seed \(seed) stream \(info.stream)")
        }
    }

    /// Proves under .always that every acknowledged append survives power loss: its retry returns the original result, and reads agree with the log.
    @Test(arguments: Array(UInt64(1)...10))
    func alwaysKeepsAcknowledgedAppends(seed: UInt64) async throws {
        let (store, acknowledged) = try await Self.run(seed: seed, durability: .always)
        try await Self.checkConsistent(store, seed: seed)
        let end = store.log.nextPosition
        for batch in acknowledged {
            let again = try await store.append(to: batch.stream, batch.events, expectedVersion: .exact(UInt64.max))
            #expect(again == batch.result.replayed, "seed \(seed)")
        }
        #expect(store.log.nextPosition == end, "seed \(seed): a retry of an acknowledged batch wrote again")
        try await store.close()
    }

    /// Proves under .none, where power loss may drop acknowledged appends, that heads and indexes never claim what the log lost.
    @Test(arguments: Array(UInt64(1)...10))
    func relaxedDurabilityNeverDisagreesWithTheLog(seed: UInt64) async throws {
        let (store, _) = try await Self.run(seed: seed, durability: .none)
        try await Self.checkConsistent(store, seed: seed)
        for info in try store.streams() where info.state == .live {
            let result = try await store.append(to: info.stream, Fixtures.events(1, tag: "after"), expectedVersion: .exact(info.version!))
            #expect(result.streamVersion == info.version! + 1, "seed \(seed)")
        }
        try await store.close()
    }
}
