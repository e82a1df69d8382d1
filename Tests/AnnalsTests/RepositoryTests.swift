import AnnalsTestSupport
import Foundation
import Synchronization
import Testing
@testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct RepositoryTests {
    static func adds(_ amounts: Int...) -> [TallyEvent] { amounts.map { .added(.init(amount: $0)) } }

    /// Proves a never-written aggregate loads empty with no version, and saves then fold in order with the loaded version as expectation.
    @Test func loadSaveAndFold() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            let empty = try await tallies.load(id: "a")
            #expect(empty.state == Tally() && empty.version == nil && empty.expectedVersion == .noStream)
            let saved = try await tallies.save(Self.adds(3, 4), to: empty)
            #expect(saved.version == 1 && saved.state.total == 7)
            let again = try await tallies.save([.cleared(.init())] + Self.adds(5), to: saved)
            #expect(again.version == 3)
            let loaded = try await tallies.load(id: "a")
            #expect(loaded.state == again.state && loaded.state.history == [3, 4, 0, 5] && loaded.version == 3)
            let stored = try await store.read(stream: "tally-a")
            #expect(stored.map(\.type) == ["TallyAdded", "TallyAdded", "TallyCleared", "TallyAdded"])
            #expect(String(decoding: stored[0].data, as: UTF8.self) == #"{"amount":3}"#)
            #expect(String(decoding: stored[0].metadata, as: UTF8.self) == #"{"schemaVersion":1}"#)
        }
    }

    /// Proves a save from a stale load throws the typed conflict with the actual version, and writes nothing.
    @Test func staleSaveConflicts() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            let first = try await tallies.save(Self.adds(1), to: try await tallies.load(id: "a"))
            let stale = try await tallies.load(id: "a")
            _ = try await tallies.save(Self.adds(2), to: first)
            await #expect(throws: AggregateError.conflict(stream: "tally-a", expected: .exact(0), actual: 1)) {
                try await tallies.save(Self.adds(9), to: stale)
            }
            await #expect(throws: AggregateError.conflict(stream: "tally-a", expected: .noStream, actual: 1)) {
                try await tallies.save(id: "a", events: Self.adds(9), expectedVersion: .noStream)
            }
            #expect(try await tallies.load(id: "a").state.history == [1, 2])
        }
    }

    /// Proves execute retries a conflicting decision on fresh state, and gives up with the conflict after maxAttempts.
    @Test func executeRetriesOnConflict() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            let interferences = Atomic(2)
            // Each of the first two decisions is overtaken by a concurrent write before it saves.
            let result = try await tallies.execute(id: "a", maxAttempts: 3) { state in
                if interferences.subtract(1, ordering: .relaxed).oldValue > 0 {
                    try await interferingSave(tallies, amount: 100)
                }
                return Self.adds(state.total + 1)
            }
            #expect(result.state.history == [100, 100, 201])
            let attempts = Atomic(0)
            await #expect(throws: AggregateError.self) {
                try await tallies.execute(id: "a", maxAttempts: 2) { state in
                    attempts.add(1, ordering: .relaxed)
                    try await interferingSave(tallies, amount: 1)
                    return Self.adds(7)
                }
            }
            #expect(attempts.load(ordering: .relaxed) == 2)
            struct Refused: Error {}
            await #expect(throws: Refused.self) { try await tallies.execute(id: "a") { _ in throw Refused() } }
            let unchanged = try await tallies.execute(id: "a") { _ in [] }
            #expect(unchanged.version == 4)
        }
    }

    /// Proves load(atVersion:) and load(asOf:) fold exactly the events up to that version or time.
    @Test func loadAtVersionAndAsOf() async throws {
        let clock = ManualClock()
        let options = EventStoreOptions(log: LogOptions(durability: .none, clock: clock.read))
        try await withStore(options) { store, _ in
            let tallies = Repository<Tally>(store: store)
            var times: [Date] = []
            var loaded = try await tallies.load(id: "a")
            for amount in 1...6 {
                clock.advance(1_000_000_000)
                loaded = try await tallies.save(Self.adds(amount), to: loaded)
                times.append(Date(timeIntervalSince1970: Double(clock.now.load(ordering: .relaxed)) / 1e9))
            }
            for version in 0..<6 {
                let atVersion = try await tallies.load(id: "a", atVersion: UInt64(version))
                #expect(atVersion.state.history == Array(1...(version + 1)) && atVersion.version == UInt64(version))
                let asOf = try await tallies.load(id: "a", asOf: times[version].addingTimeInterval(0.5))
                #expect(asOf.state == atVersion.state && asOf.version == UInt64(version))
            }
            #expect(try await tallies.load(id: "a", asOf: times[0].addingTimeInterval(-0.5)).version == nil)
            #expect(try await tallies.load(id: "a", atVersion: 99).version == 5)
        }
    }

    /// Proves backdated saves keep their timestamps and an as-of load between them sees the older events only.
    @Test func backdatedSavesKeepTheirTime() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            var loaded = try await tallies.load(id: "a")
            for day in 0..<3 {
                loaded = try await tallies.save(Self.adds(day + 1), to: loaded, timestamp: base.addingTimeInterval(Double(day) * 86_400))
            }
            let events = try await store.read(stream: "tally-a")
            #expect(events.map { Int($0.date.timeIntervalSince(base).rounded()) } == [0, 86_400, 172_800])
            #expect(try await tallies.load(id: "a", asOf: base.addingTimeInterval(100_000)).state.history == [1, 2])
        }
    }

    /// Proves a soft-deleted aggregate fails to load with the store's typed error.
    @Test func deletedStreamFailsToLoad() async throws {
        try await withStore { store, _ in
            let tallies = Repository<Tally>(store: store)
            _ = try await tallies.save(Self.adds(1), to: try await tallies.load(id: "a"))
            try await store.softDelete(stream: "tally-a")
            await #expect(throws: AggregateError.store(.streamDeleted("tally-a"))) { try await tallies.load(id: "a") }
        }
    }
}

/// Appends one `TallyAdded` to `tally-a` as a concurrent writer would.
func interferingSave(_ tallies: Repository<Tally>, amount: Int) async throws {
    try await tallies.save(id: "a", events: [.added(.init(amount: amount))], expectedVersion: .any)
}
