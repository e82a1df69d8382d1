@_spi(Testing) import Annals
import AnnalsLog
import AnnalsSQLite
import AnnalsTestSupport
import Foundation
import GRDB
import Testing

/// Power loss under the whole stream layer (issue 15 §3), on the simulated file system: several
/// tasks append to several streams at once with expected versions, save subscription
/// checkpoints, snapshot aggregates and run a SQLite projection, and the power goes at a random
/// operation or at an operation on one chosen kind of file (a stream, id or time index written
/// at a roll, the heads checkpoint, a snapshot, the subscription checkpoints). After every
/// reopen every property of `check` must hold. Seeded: a seed replays the same workload and
/// crash target (the tasks' interleaving varies).
///
/// `ANNALS_STREAM_POWER_LOSS_SEEDS=N` runs N seeds (two power losses each) instead of the CI's 16.
@Suite(.timeLimit(.minutes(20))) struct StreamLayerPowerLossTests {
    static let directory = "/store"
    static let roundsPerSeed = 2

    static func options(_ fs: SimulatedFileSystem) -> EventStoreOptions {
        var options = EventStoreOptions(log: LogOptions(durability: .always, segmentBytes: 4096, fileSystem: fs))
        options.waitsForIndexWrites = true
        return options
    }

    /// What one seed's rounds found, for the long-mode summary.
    struct Outcome {
        var powerLosses = 0
        var aimedCrashesHit = 0
        var acknowledgedChecked = 0
        var replaysChecked = 0
        var activity: [String: Int] = [:]
    }

    static func runSeed(_ seed: UInt64, activity: Guarded<[String: Int]>) async throws -> Outcome {
        var random = SeededRandom(seed: seed)
        var fs = SimulatedFileSystem(seed: seed)
        let target = PowerLossTarget.allCases[Int(seed % UInt64(PowerLossTarget.allCases.count))]
        let acknowledged = Guarded<[AcknowledgedBatch]>([])
        var database = try DatabaseQueue()
        var outcome = Outcome()
        for round in 0..<roundsPerSeed {
            let store = try await EventStore.open(directory: directory, options: options(fs))
            let projection = try SQLiteProjection(name: "balances", model: BalancesModel(), database: database)
            let backups = Guarded<[DatabaseQueue]>([])
            let unexpected = Guarded<[String]>([])
            if let text = target.pathText {
                fs.scheduleCrash(atOperationOnPathContaining: text, occurrence: Int.random(in: 0...5, using: &random))
            }
            fs.scheduleCrash(afterOperations: Int.random(in: 30...(target == .anyOperation ? 900 : 2500), using: &random))
            let workload = StreamLayerWorkload(store: store, fileSystem: fs, seed: seed, round: round, projection: projection,
                                               acknowledged: acknowledged, backups: backups, unexpected: unexpected,
                                               activity: activity)
            await workload.run()
            let aimedHit = fs.hasCrashed && fs.aimedCrashFired
            fs.cancelScheduledCrash()
            fs = fs.crash()
            outcome.powerLosses += 1
            if aimedHit { outcome.aimedCrashesHit += 1 }
            for problem in unexpected.withLock({ $0 }) { Issue.record(Comment(rawValue: problem)) }
            // SQLite keeps its last commit, or loses the last few (never splits one).
            let saved = backups.withLock { $0 }
            if !saved.isEmpty, Bool.random(using: &random) { database = saved[Int.random(in: 0..<saved.count, using: &random)] }
            let reopened = try await EventStore.open(directory: directory, options: options(fs))
            let counts = try await check(reopened, acknowledged: acknowledged.withLock { $0 }, database: database,
                                         context: "seed \(seed) round \(round) (crash aimed at \(target))")
            outcome.acknowledgedChecked += counts.acknowledged
            outcome.replaysChecked += counts.replays
            try await reopened.close()
        }
        return outcome
    }

    /// Every property the issue names, after a reopen. Returns how many acknowledged batches and
    /// replays it checked.
    static func check(
        _ store: EventStore, acknowledged: [AcknowledgedBatch], database: DatabaseQueue, context: String
    ) async throws -> (acknowledged: Int, replays: Int) {
        let all = try await store.readAll()
        let end = store.log.nextPosition
        // No event id twice.
        #expect(Set(all.map(\.id)).count == all.count, "\(context): an event id appears twice")
        // Every acknowledged append is present, at its positions, with its versions.
        let byPosition = Dictionary(all.map { ($0.position, $0) }, uniquingKeysWith: { first, _ in first })
        for batch in acknowledged {
            let sent = batch.appends.flatMap { part in part.events.map { (part.stream, $0) } }
            #expect(sent.count == batch.result.events.count, "\(context): result size")
            for ((stream, event), answer) in zip(sent, batch.result.events) {
                let found = byPosition[answer.position]
                #expect(found?.id == event.id && found?.stream == stream && found?.version == answer.streamVersion
                        && found?.data == event.data,
                        "\(context): acknowledged event \(event.id) at \(answer.position) is missing or different")
            }
        }
        // Each stream's versions are gapless, and the heads equal a fold of the log.
        var folded: [StreamName: (count: UInt64, last: UInt64)] = [:]
        for event in all {
            let before = folded[event.stream]
            #expect(event.version == (before.map { $0.last + 1 } ?? 0), "\(context): \(event.stream) version \(event.version) after \(before.map { "\($0.last)" } ?? "none")")
            folded[event.stream] = ((before?.count ?? 0) + 1, event.version)
        }
        let infos = try store.streams()
        #expect(infos.count == folded.count, "\(context): \(infos.count) streams listed, the log holds \(folded.count)")
        for info in infos {
            #expect(info.version == folded[info.stream]?.last && info.eventCount == folded[info.stream]?.count,
                    "\(context): head of \(info.stream) is \(String(describing: info.version))/\(info.eventCount), the log folds to \(String(describing: folded[info.stream]))")
            let read = try await store.read(stream: info.stream)
            #expect(read.map(\.version) == Array(0..<UInt64(read.count)), "\(context): \(info.stream) reads with a gap")
        }
        // No subscription or projection checkpoint ahead of the log.
        for task in 0..<StreamLayerWorkload.tasks {
            if let saved = store.checkpoint(named: "sub-\(task)") {
                #expect(saved < end, "\(context): subscription checkpoint \(saved) is past the log's end \(end)")
            }
        }
        let projection = try SQLiteProjection(name: "balances", model: BalancesModel(), database: database)
        if let checkpoint = try await projection.checkpoint() {
            #expect(checkpoint < end, "\(context): projection checkpoint \(checkpoint) is past the log's end \(end)")
        }
        // The read model, caught up, equals a rebuild from scratch.
        try await ProjectionRunner(store: store, projection: projection, filter: .category(Account.category)).catchUp()
        let fresh = try SQLiteProjection(name: "balances", model: BalancesModel(), database: try DatabaseQueue())
        try await ProjectionRunner(store: store, projection: fresh, filter: .category(Account.category)).rebuild()
        #expect(try BalancesModel.rows(database) == BalancesModel.rows(fresh.database), "\(context): the read model differs from a rebuild")
        // Snapshots never give a state other than the fold of the events.
        let accounts = Repository<Account>(store: store)
        for id in 0..<StreamLayerWorkload.accounts {
            let loaded = try await accounts.load(id: "\(id)")
            var state = Account()
            for event in try await store.read(stream: Account.streamName(for: "\(id)")) {
                state.apply(try EventCodec<AccountEvent>().decode(event))
            }
            #expect(loaded.state == state, "\(context): account \(id) loads differently from its events")
        }
        // Re-sending any acknowledged batch returns the original result and writes nothing.
        let before = store.log.nextPosition
        for batch in acknowledged {
            let again = try await store.append(batch.appends)
            #expect(again.isReplay && again.events == batch.result.events, "\(context): a re-sent batch gave \(again.events)")
        }
        #expect(store.log.nextPosition == before, "\(context): re-sending acknowledged batches wrote again")
        #expect(store.verify().isHealthy, "\(context): verify found problems")
        return (acknowledged.count, acknowledged.count)
    }

    /// CI: 16 seeds, two power losses each, every crash target twice.
    @Test func everyPropertyHoldsAfterEachPowerLoss() async throws {
        let seeds = ProcessInfo.processInfo.environment["ANNALS_STREAM_POWER_LOSS_SEEDS"].flatMap { UInt64($0) } ?? 16
        var total = Outcome()
        let activity = Guarded<[String: Int]>([:])
        for seed in 1...seeds {
            let outcome = try await Self.runSeed(seed, activity: activity)
            total.powerLosses += outcome.powerLosses
            total.aimedCrashesHit += outcome.aimedCrashesHit
            total.acknowledgedChecked += outcome.acknowledgedChecked
            total.replaysChecked += outcome.replaysChecked
        }
        if ProcessInfo.processInfo.environment["ANNALS_RELIABILITY_SUMMARY"] != nil {
            print("stream layer power loss: \(seeds) seeds, \(total.powerLosses) power losses, \(total.aimedCrashesHit) hit their aimed file, \(total.acknowledgedChecked) acknowledged-batch checks, \(total.replaysChecked) replays; steps completed: \(activity.withLock { $0 }.sorted { $0.key < $1.key })")
        }
        #expect(total.acknowledgedChecked > 0, "nothing was acknowledged: the test tested nothing")
        let steps = activity.withLock { $0 }
        for step in ["append", "subscription checkpoint", "projection catch-up", "snapshot"] {
            #expect(steps[step, default: 0] > 0, "no \(step) completed: that part was not tested")
        }
        #expect(total.aimedCrashesHit > 0, "no power loss hit the file it was aimed at")
    }
}
