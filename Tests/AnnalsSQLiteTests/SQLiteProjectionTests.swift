import Annals
import AnnalsLog
import AnnalsSQLite
import AnnalsTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

/// Per-stream totals of `{"amount": n}` events. It can be told to fail after a number of
/// events, which stands for a crash in the middle of a batch's transaction.
final class TotalsModel: SQLiteReadModel {
    let failAfter: Atomic<Int>

    init(failAfter: Int = .max) { self.failAfter = Atomic(failAfter) }

    struct Crash: Error {}
    struct Amount: Decodable { var amount: Int }

    func createTables(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS totals(stream TEXT PRIMARY KEY, total INTEGER NOT NULL, events INTEGER NOT NULL)")
    }

    func dropTables(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS totals")
    }

    func apply(_ event: RecordedEvent, _ db: Database) throws {
        if failAfter.subtract(1, ordering: .relaxed).newValue < 0 { throw Crash() }
        let amount = try JSONDecoder().decode(Amount.self, from: Data(event.data)).amount
        try db.execute(sql: """
            INSERT INTO totals(stream, total, events) VALUES (?, ?, 1)
            ON CONFLICT(stream) DO UPDATE SET total = total + excluded.total, events = events + 1
            """, arguments: [event.stream.rawValue, amount])
    }

    static func totals(_ projection: SQLiteProjection<TotalsModel>) throws -> [String: [Int]] {
        try projection.database.read { db in
            var totals: [String: [Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stream, total, events FROM totals") {
                totals[row["stream"]] = [row["total"], row["events"]]
            }
            return totals
        }
    }
}

@Suite(.timeLimit(.minutes(10))) struct SQLiteProjectionTests {
    static func fill(_ store: EventStore, seed: UInt64, count: Int) async throws {
        var random = SeededRandom(seed: seed)
        for _ in 0..<count {
            let amount = Int.random(in: -20...100, using: &random)
            try await store.append(to: "tally-\(Int.random(in: 0..<7, using: &random))",
                                   [EventData(type: "TallyAdded", data: Array(#"{"amount":\#(amount)}"#.utf8))])
        }
    }

    /// Proves a crash inside a batch's transaction (at several points) leaves neither its rows nor its checkpoint, and after reopening both stores the totals equal a from-scratch rebuild.
    @Test(arguments: [0, 1, 37, 100, 263])
    func crashMidBatchThenContinueEqualsRebuild(failAfter: Int) async throws {
        let dir = TemporaryDirectory("annals-sqlite")
        defer { dir.remove() }
        let options = EventStoreOptions(log: LogOptions(durability: .none))
        var store = try await EventStore.open(directory: dir.file("store"), options: options)
        try await Self.fill(store, seed: UInt64(failAfter), count: 300)
        do {
            let crashing = try SQLiteProjection(name: "totals", model: TotalsModel(failAfter: failAfter), path: dir.file("read.sqlite"))
            let runner = ProjectionRunner(store: store, projection: crashing, batchEvents: 50)
            do {
                try await runner.catchUp()
                Issue.record("the crashing model did not fail")
            } catch {
                guard case .projection(let cause) = error, cause is TotalsModel.Crash else { Issue.record("unexpected \(error)"); return }
            }
            let committed = try await crashing.checkpoint()
            #expect(committed?.rawValue == (failAfter >= 50 ? UInt64(failAfter / 50 * 50) : nil))
            let rows = try TotalsModel.totals(crashing).values.reduce(0) { $0 + $1[1] }
            #expect(rows == failAfter / 50 * 50, "only whole batches are in the read model")
        }
        try await store.close()
        store = try await EventStore.open(directory: dir.file("store"), options: options)
        try await Self.fill(store, seed: 99, count: 40)
        let resumed = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read.sqlite"))
        try await ProjectionRunner(store: store, projection: resumed, batchEvents: 50).catchUp()
        let scratch = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("scratch.sqlite"))
        #expect(try await ProjectionRunner(store: store, projection: scratch).catchUp() == 340)
        #expect(try TotalsModel.totals(resumed) == TotalsModel.totals(scratch))
        #expect(try await resumed.checkpoint() == LogPosition(340))
        try await store.close()
    }

    /// Proves a batch delivered again after it committed (at-least-once delivery) changes nothing.
    @Test func redeliveredBatchIsAppliedOnce() async throws {
        let dir = TemporaryDirectory("annals-sqlite")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.file("store"), options: EventStoreOptions(log: LogOptions(durability: .none)))
        try await Self.fill(store, seed: 3, count: 30)
        let projection = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read.sqlite"))
        let events = try await store.readAll()
        try await projection.apply(Array(events[0..<20]), through: events[19].position)
        let once = try TotalsModel.totals(projection)
        try await projection.apply(Array(events[10..<20]), through: events[19].position)
        #expect(try TotalsModel.totals(projection) == once)
        try await projection.apply(Array(events[15..<30]), through: events[29].position)
        let scratch = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("scratch.sqlite"))
        try await ProjectionRunner(store: store, projection: scratch).catchUp()
        #expect(try TotalsModel.totals(projection) == TotalsModel.totals(scratch))
        try await store.close()
    }

    /// Proves a rebuild drops a damaged read model and its checkpoint and recomputes the exact totals, also after the file is deleted.
    @Test func rebuildRecomputesFromScratch() async throws {
        let dir = TemporaryDirectory("annals-sqlite")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.file("store"), options: EventStoreOptions(log: LogOptions(durability: .none)))
        try await Self.fill(store, seed: 5, count: 120)
        let projection = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read.sqlite"))
        let runner = ProjectionRunner(store: store, projection: projection)
        try await runner.catchUp()
        let good = try TotalsModel.totals(projection)
        try await projection.database.write { db in try db.execute(sql: "UPDATE totals SET total = 0") }
        #expect(try TotalsModel.totals(projection) != good)
        #expect(try await runner.catchUp() == 0, "the checkpoint says it is up to date")
        #expect(try await runner.rebuild() == 120)
        #expect(try TotalsModel.totals(projection) == good)
        for suffix in ["", "-wal", "-shm"] { unlink(dir.file("read.sqlite" + suffix)) }
        let fresh = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read.sqlite"))
        #expect(try await ProjectionRunner(store: store, projection: fresh).catchUp() == 120)
        #expect(try TotalsModel.totals(fresh) == good)
        try await store.close()
    }

    /// Proves a live SQLite projection follows concurrent writers to the same totals as a rebuild, with its lag back at 0.
    @Test func liveProjectionFollowsWriters() async throws {
        let dir = TemporaryDirectory("annals-sqlite")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.file("store"), options: EventStoreOptions(log: LogOptions(durability: .none)))
        let projection = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read.sqlite"))
        let runner = ProjectionRunner(store: store, projection: projection, batchEvents: 32)
        let running = Task { try await runner.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<3 { group.addTask { try await Self.fill(store, seed: UInt64(writer), count: 60) } }
            try await group.waitForAll()
        }
        #expect(try await Deadline.wait(seconds: 30, pollMilliseconds: 5) { try await runner.status().lag == 0 }, "the projection never caught up")
        running.cancel()
        try await running.value
        let scratch = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("scratch.sqlite"))
        try await ProjectionRunner(store: store, projection: scratch).catchUp()
        #expect(try TotalsModel.totals(projection) == TotalsModel.totals(scratch))
        try await store.close()
    }

    /// Proves cancelling a running SQLite projection at any moment (during catch-up, between
    /// checkpoint reads, while following) stops it without an error, and leaves rows and
    /// checkpoint in step. GRDB's async reads throw `CancellationError` when their task is
    /// cancelled; the runner once let that escape as a projection failure.
    @Test func cancellingTheRunnerAtAnyMomentStopsItCleanly() async throws {
        let dir = TemporaryDirectory("annals-sqlite")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.file("store"), options: EventStoreOptions(log: LogOptions(durability: .none)))
        try await Self.fill(store, seed: 11, count: 200)
        var random = SeededRandom(seed: 11)
        for round in 0..<150 {
            let projection = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read-\(round % 3).sqlite"))
            let runner = ProjectionRunner(store: store, projection: projection, batchEvents: 16)
            let running = Task { try await runner.run() }
            let delay = Int.random(in: 0...2_000, using: &random)
            if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay) * 1_000) }
            running.cancel()
            await #expect(throws: Never.self, "round \(round), cancelled after \(delay) µs") { try await running.value }
            if round % 3 == 2 { try await Self.fill(store, seed: UInt64(round), count: 5) }
        }
        let projection = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("read-0.sqlite"))
        try await ProjectionRunner(store: store, projection: projection).catchUp()
        let scratch = try SQLiteProjection(name: "totals", model: TotalsModel(), path: dir.file("scratch.sqlite"))
        try await ProjectionRunner(store: store, projection: scratch).catchUp()
        #expect(try TotalsModel.totals(projection) == TotalsModel.totals(scratch))
        try await store.close()
    }
}
