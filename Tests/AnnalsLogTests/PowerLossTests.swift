import AnnalsTestSupport
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import AnnalsLog

/// Power loss at random moments, on the simulated file system: each cycle opens the store
/// (sometimes crashing inside recovery itself), appends from a few threads, loses power at a
/// random mutating operation, reboots and checks the store against the ledger of acknowledgements.
@Suite(.timeLimit(.minutes(10))) struct PowerLossTests {
    static let directory = "/store"

    /// Cycles per seed list entry; `ANNALS_POWER_LOSS_CYCLES` raises it for long runs.
    static let seeds: [UInt64] = Array(1...UInt64(environmentInt("ANNALS_POWER_LOSS_CYCLES") ?? 48))

    /// Proves that under `.always`, with 3 appending threads, no acknowledged batch is ever lost,
    /// positions stay gapless, batches are all-or-nothing, and the report accounts for every cut byte.
    @Test(arguments: seeds)
    func alwaysLosesNothingAcknowledged(seed: UInt64) throws {
        let outcome = try PowerLossCycle(seed: seed, threads: 3, durability: .always).run(rounds: 4)
        if getenv("ANNALS_RELIABILITY_SUMMARY") != nil {
            print("power-loss seed \(seed): crashes \(outcome.crashes) acknowledged \(outcome.acknowledged) bytesDropped \(outcome.bytesDropped) problems \(outcome.problems.count)")
        }
        #expect(outcome.problems.isEmpty, "seed \(seed): \(outcome.problems)")
        #expect(outcome.acknowledged > 0, "seed \(seed): nothing was acknowledged, so nothing was tested")
    }

    /// Proves the same with one thread, where the whole cycle replays exactly from its seed.
    @Test(arguments: seeds.prefix(24))
    func singleWriterReplaysFromSeed(seed: UInt64) throws {
        let first = try PowerLossCycle(seed: seed, threads: 1, durability: .always).run(rounds: 3)
        let second = try PowerLossCycle(seed: seed, threads: 1, durability: .always).run(rounds: 3)
        #expect(first.problems.isEmpty, "seed \(seed): \(first.problems)")
        #expect(first.fingerprint == second.fingerprint, "seed \(seed): the run did not replay")
    }

    /// Proves `.none` loses at most the active segment: batches in segments that rolled (and so
    /// were synced) survive, and what survives is still whole batches at gapless positions.
    @Test(arguments: seeds.prefix(24))
    func noneLosesOnlyTheActiveSegment(seed: UInt64) throws {
        let outcome = try PowerLossCycle(seed: seed, threads: 2, durability: .none).run(rounds: 4)
        #expect(outcome.problems.isEmpty, "seed \(seed): \(outcome.problems)")
    }

    /// Proves `.interval` syncs on its timer: batches acknowledged and then left for many
    /// intervals survive a power loss, with no explicit sync.
    @Test func intervalSyncsWithinItsInterval() throws {
        let fs = SimulatedFileSystem(seed: 5, faults: FaultPlan(tornWritesOnCrash: true))
        try fs.createDirectory(Self.directory)
        let options = LogOptions(durability: .interval(milliseconds: 5), segmentBytes: 1 << 20, fileSystem: fs)
        let log = try Log.open(directory: Self.directory, options: options)
        let ledger = AppendLedger()
        var random = SeededRandom(seed: 5)
        for _ in 0..<20 {
            let batch = ledger.makeBatch(count: 3, using: &random)
            ledger.acknowledge(batch, at: try log.append(batch).positions)
        }
        // Wait for the timer: until nothing is unsynced (up to 2 s, 400 intervals).
        let synced = Deadline.wait(seconds: 2, pollMilliseconds: 5) { fs.unsyncedBytes(of: "/store/00000000000000000001.log") == 0 }
        #expect(synced, "seed 5: the interval timer never synced")
        let after = fs.crash()
        try? log.close()
        let reopened = try Log.open(directory: Self.directory, options: LogOptions(fileSystem: after))
        defer { try? reopened.close() }
        let problems = ledger.check(try reopened.read(from: .first, limit: .max))
        #expect(problems.isEmpty, "seed 5: \(problems)")
        #expect(reopened.nextPosition == LogPosition(61))
    }

    /// Proves `.none` and `.interval` keep everything acknowledged before an explicit `sync()`.
    @Test(arguments: [Durability.none, .interval(milliseconds: 60_000)])
    func explicitSyncMakesRelaxedAppendsDurable(durability: Durability) throws {
        let fs = SimulatedFileSystem(seed: 9, faults: FaultPlan(tornWritesOnCrash: true))
        try fs.createDirectory(Self.directory)
        let log = try Log.open(directory: Self.directory, options: LogOptions(durability: durability, segmentBytes: 1 << 20, fileSystem: fs))
        let ledger = AppendLedger()
        var random = SeededRandom(seed: 9)
        for _ in 0..<10 {
            let batch = ledger.makeBatch(count: 2, using: &random)
            ledger.acknowledge(batch, at: try log.append(batch).positions)
        }
        try log.sync()
        let synced = ledger.acknowledgedRanges.last!.upperBound
        for _ in 0..<10 { _ = try log.append(ledger.makeBatch(count: 2, using: &random)) }
        let after = fs.crash()
        try? log.close()
        let reopened = try Log.open(directory: Self.directory, options: LogOptions(fileSystem: after))
        defer { try? reopened.close() }
        let problems = ledger.check(try reopened.read(from: .first, limit: .max)) { $0.upperBound <= synced }
        #expect(problems.isEmpty, "seed 9 \(durability): \(problems)")
        #expect(reopened.nextPosition > synced)
    }
}

func environmentInt(_ name: String) -> Int? {
    getenv(name).flatMap { Int(String(cString: $0)) }
}

/// The store's own directory is a new file system entry too: it must be synced in its parent
/// before anything in it is acknowledged.
@Suite(.timeLimit(.minutes(10))) struct NewStoreDirectoryTests {
    /// Proves a power cut right after the first acknowledgements of a brand-new store (whose
    /// directory and parent did not exist) keeps every acknowledged batch.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func newStoreDirectorySurvivesPowerLoss(seed: UInt64) throws {
        let fs = SimulatedFileSystem(seed: seed, faults: FaultPlan(tornWritesOnCrash: true))
        let directory = "/data/new-store"
        let log = try Log.open(directory: directory, options: LogOptions(segmentBytes: 1 << 20, fileSystem: fs))
        let ledger = AppendLedger()
        var random = SeededRandom(seed: seed)
        for _ in 0..<3 {
            let batch = ledger.makeBatch(count: 2, using: &random)
            ledger.acknowledge(batch, at: try log.append(batch).positions)
        }
        let after = fs.crash()
        try? log.close()
        let reopened = try Log.open(directory: directory, options: LogOptions(fileSystem: after))
        defer { try? reopened.close() }
        let problems = ledger.check(try reopened.read(from: .first, limit: .max))
        #expect(problems.isEmpty, "seed \(seed): \(problems)")
        #expect(reopened.nextPosition == LogPosition(7), "seed \(seed)")
    }
}
