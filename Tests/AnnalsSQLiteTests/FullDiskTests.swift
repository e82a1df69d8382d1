@_spi(Testing) import Annals
import AnnalsLog
import AnnalsSQLite
import AnnalsTestSupport
import Foundation
import GRDB
import Testing

/// A full or failing disk under the stream layer's own files (issue 15 §6): ENOSPC and EIO on
/// writes, and EIO on fsync, aimed at the index files written at a roll, the heads checkpoint,
/// snapshots and subscription checkpoints; a full disk for everything at once; and SQLITE_FULL
/// under a projection. Each time: the failing operation fails with a typed error and changes
/// nothing, nothing acknowledged is lost, and once the space or the disk is back, the store
/// works again and passes every check of the power-loss suite, after a power loss too.
@Suite(.timeLimit(.minutes(10))) struct FullDiskTests {
    enum Fault: CaseIterable, CustomStringConvertible {
        case noSpace, writeIOError, syncIOError

        func plan(for text: String) -> FaultPlan {
            let applies: @Sendable (String) -> Bool = { $0.contains(text) }
            return switch self {
            case .noSpace: FaultPlan(writeNoSpace: 1, appliesTo: applies)
            case .writeIOError: FaultPlan(writeIOError: 1, appliesTo: applies)
            case .syncIOError: FaultPlan(syncFailure: 1, appliesTo: applies)
            }
        }

        var description: String {
            switch self {
            case .noSpace: "ENOSPC on write"
            case .writeIOError: "EIO on write"
            case .syncIOError: "EIO on fsync"
            }
        }
    }

    /// The stream-layer files a fault is aimed at, and the workload steps allowed to fail under it.
    static let targets: [(text: String, failing: Set<String>)] = [
        (".sidx", []), (".eidx", []), (".tidx", []), (".qidx", []), ("streams.heads", []),
        (".snapshot", ["snapshot"]), ("subscriptions.checkpoints", ["subscription checkpoint"]),
    ]

    struct Run {
        var fs: SimulatedFileSystem
        let acknowledged = Guarded<[AcknowledgedBatch]>([])
        let activity = Guarded<[String: Int]>([:])
        let database: DatabaseQueue

        init(seed: UInt64) throws {
            fs = SimulatedFileSystem(seed: seed)
            database = try DatabaseQueue()
        }

        /// Runs the power-loss suite's workload (no power loss) and returns its unexpected failures.
        func work(_ store: EventStore, seed: UInt64, round: Int, allowedFailures: Set<String>) async throws -> [String] {
            let unexpected = Guarded<[String]>([])
            var workload = StreamLayerWorkload(
                store: store, fileSystem: fs, seed: seed, round: round,
                projection: try SQLiteProjection(name: "balances", model: BalancesModel(), database: database),
                acknowledged: acknowledged, backups: Guarded([]), unexpected: unexpected, activity: activity)
            workload.allowedFailures = allowedFailures
            workload.steps = 40
            await workload.run()
            return unexpected.withLock { $0 }
        }
    }

    /// Faults on each stream-layer file: appends never fail for a derived file's sake (their
    /// records are acknowledged before any index or heads write), snapshot and checkpoint saves
    /// fail with a typed error, and after the disk heals, a power loss and a reopen, every
    /// property holds.
    @Test(arguments: Fault.allCases)
    func derivedFileFaultsFailCleanlyAndHeal(fault: Fault) async throws {
        for (index, target) in Self.targets.enumerated() {
            let seed = UInt64(index + 1)
            let context = "\(fault) on \(target.text)"
            var run = try Run(seed: seed)
            let store = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(run.fs))
            run.fs.setFaults(fault.plan(for: target.text))
            let sick = try await run.work(store, seed: seed, round: 0, allowedFailures: target.failing)
            #expect(sick.isEmpty, "\(context): \(sick)")
            let injected = run.fs.counters
            #expect(injected.noSpaceWrites + injected.ioErrorWrites + injected.syncFailures > 0, "\(context): no fault was injected")
            for step in target.failing {
                #expect(run.activity.withLock { $0["\(step) failed", default: 0] } > 0, "\(context): no \(step) failed")
                #expect(run.activity.withLock { $0[step, default: 0] } == 0, "\(context): a \(step) succeeded on a failing disk")
            }
            run.fs.setFaults(FaultPlan())
            let healed = try await run.work(store, seed: seed, round: 1, allowedFailures: [])
            #expect(healed.isEmpty, "\(context), after healing: \(healed)")
            run.fs = run.fs.crash()
            let reopened = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(run.fs))
            _ = try await StreamLayerPowerLossTests.check(reopened, acknowledged: run.acknowledged.withLock { $0 },
                                                          database: run.database, context: context)
            try await reopened.close()
        }
    }

    /// A failed checkpoint save leaves the checkpoint the store reports, and the one a restart
    /// finds, at the last saved value; a later save works.
    @Test func failedCheckpointSaveChangesNothing() async throws {
        let fs = SimulatedFileSystem(seed: 3)
        let store = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(fs))
        try await store.append(to: "acct-1", [EventData(type: "Moved", data: Array(#"{"amount":1}"#.utf8))])
        try await store.saveCheckpoint(named: "mailer", position: LogPosition(1))
        fs.setFaults(Fault.noSpace.plan(for: "subscriptions.checkpoints"))
        await #expect(throws: EventStoreError.self) { try await store.saveCheckpoint(named: "mailer", position: LogPosition(2)) }
        #expect(store.checkpoint(named: "mailer") == LogPosition(1), "a failed save changed the reported checkpoint")
        fs.setFaults(FaultPlan())
        try await store.checkpoint(name: "reporting", position: LogPosition(1))
        let rebooted = fs.crash()
        let reopened = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(rebooted))
        #expect(reopened.checkpoint(named: "mailer") == LogPosition(1) && reopened.checkpoint(named: "reporting") == LogPosition(1))
        try await reopened.close()
    }

    /// The whole disk fills up (every file, segments included) at a random point, then space
    /// returns: appends fail with a typed error while it is full and succeed again after, and
    /// nothing acknowledged is lost across a power loss.
    @Test(arguments: Array(UInt64(1)...6))
    func fullDiskEverywhereThenSpaceReturns(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        var run = try Run(seed: seed)
        let store = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(run.fs))
        run.fs.setFreeBytes(Int.random(in: 0...6000, using: &random))
        let full = try await run.work(store, seed: seed, round: 0,
                                      allowedFailures: ["append", "snapshot", "subscription checkpoint"])
        #expect(full.isEmpty, "seed \(seed), disk full: \(full)")
        #expect(run.fs.counters.noSpaceWrites > 0, "seed \(seed): the disk never filled")
        #expect(run.activity.withLock { $0["append failed", default: 0] } > 0, "seed \(seed): no append met the full disk")
        run.fs.setFreeBytes(nil)
        let healed = try await run.work(store, seed: seed, round: 1, allowedFailures: [])
        #expect(healed.isEmpty, "seed \(seed), space back: \(healed)")
        #expect(run.activity.withLock { $0["append", default: 0] } > 0)
        run.fs = run.fs.crash()
        let reopened = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(run.fs))
        _ = try await StreamLayerPowerLossTests.check(reopened, acknowledged: run.acknowledged.withLock { $0 },
                                                      database: run.database, context: "seed \(seed) full disk")
        try await reopened.close()
    }

    /// SQLITE_FULL under a projection (the database may not grow): a catch-up fails with the
    /// database's error, and what the database holds is exactly the events up to its checkpoint
    /// (the failed batch left neither rows nor checkpoint); once it may grow again, the read
    /// model catches up to exactly a rebuild.
    @Test func projectionOnAFullDatabaseFailsCleanlyAndCatchesUp() async throws {
        let fs = SimulatedFileSystem(seed: 5)
        let store = try await EventStore.open(directory: "/store", options: StreamLayerPowerLossTests.options(fs))
        let database = try DatabaseQueue()
        let projection = try SQLiteProjection(name: "balances", model: BalancesModel(), database: database)
        let runner = ProjectionRunner(store: store, projection: projection, filter: .category(Account.category), batchEvents: 50)
        let codec = EventCodec<AccountEvent>()
        for index in 0..<1_000 {
            try await store.append(to: Account.streamName(for: "\(index)"), [try codec.encode(AccountEvent(amount: index), id: nil)])
            if index == 30 {
                try await runner.catchUp()
                try await database.write { db in
                    let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
                    try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
                }
            }
        }
        do {
            try await runner.catchUp()
            Issue.record("the projection applied everything into a full database")
        } catch {
            guard case .projection(let failure) = error, failure is DatabaseError else {
                Issue.record("expected the projection's DatabaseError, got \(error)")
                return
            }
        }
        let stopped = try #require(try await projection.checkpoint())
        #expect(stopped < store.lastPosition!, "the full database took every event")
        let upToCheckpoint = try SQLiteProjection(name: "balances", model: BalancesModel(), database: try DatabaseQueue())
        try await upToCheckpoint.apply(try await store.read(category: Account.category).filter { $0.position <= stopped }, through: stopped)
        #expect(try BalancesModel.rows(database) == BalancesModel.rows(upToCheckpoint.database),
                "the database holds other rows than the events up to its checkpoint \(stopped)")
        try await database.write { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        try await runner.catchUp()
        let fresh = try SQLiteProjection(name: "balances", model: BalancesModel(), database: try DatabaseQueue())
        try await ProjectionRunner(store: store, projection: fresh, filter: .category(Account.category)).rebuild()
        #expect(try BalancesModel.rows(database) == BalancesModel.rows(fresh.database))
        #expect(try await projection.checkpoint() == store.lastPosition)
        try await store.close()
    }
}
