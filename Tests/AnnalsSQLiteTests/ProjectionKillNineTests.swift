import Annals
import AnnalsLog
import AnnalsSQLite
import AnnalsTestSupport
import Foundation
import GRDB
import Testing

/// kill -9 of a SQLite projection in its own process (issue 15 §4): `annals-projection-child`
/// catches a projection up in small batches and is SIGKILLed after a seeded number of committed
/// batches, mostly inside the next one. Between kills this process appends more events. After
/// every kill the database must hold exactly the effect of the events up to its checkpoint
/// (each once), the checkpoint must not be ahead of the log nor behind a batch the child
/// reported committed, and a last, unkilled run must end equal to a rebuild.
///
/// `ANNALS_PROJECTION_KILLS=N` sets the kills per seed (CI: 6).
@Suite(.serialized, .timeLimit(.minutes(20))) struct ProjectionKillNineTests {
    static let kills = ProcessInfo.processInfo.environment["ANNALS_PROJECTION_KILLS"].flatMap(Int.init) ?? 6

    static var child: String {
        URL(fileURLWithPath: CLIProcess.executable).deletingLastPathComponent().appendingPathComponent("annals-projection-child").path
    }

    /// Runs the child; kills it once it reported `killAfter` batches (nil: lets it finish).
    /// Returns the last position it reported committed.
    static func runChild(store: String, database: String, batch: Int, killAfter: Int?) throws -> (through: UInt64?, finished: Bool, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: child)
        process.arguments = [store, database, "\(batch)"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let lines = Guarded<[UInt8]>([])
        let reader = Thread {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                lines.withLock { $0 += Array(chunk) }
            }
        }
        reader.start()
        let reported = { lines.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init) }
        Deadline.wait(seconds: 120) { !process.isRunning || killAfter.map { reported().count >= $0 } ?? false }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        Deadline.wait(seconds: 10) { !reader.isExecuting }
        let all = reported()
        let through = all.last { $0.hasPrefix("through ") }.flatMap { UInt64($0.dropFirst(8)) }
        return (through, all.last == "done", String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// The rows the events up to `checkpoint` give, applied once each in a fresh database.
    static func expectedRows(_ store: EventStore, through checkpoint: LogPosition?) async throws -> [String: [Int64]] {
        let fresh = try SQLiteProjection(name: "balances", model: BalancesModel(), database: try DatabaseQueue())
        if let checkpoint {
            try await fresh.apply(try await store.readAll().filter { $0.position <= checkpoint }, through: checkpoint)
        }
        return try BalancesModel.rows(fresh.database)
    }

    /// Proves a projection killed mid-batch keeps each event's effect exactly once, and resumes.
    @Test(arguments: [UInt64(1), 2])
    func killedMidBatchKeepsEffectsExactlyOnce(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let dir = TemporaryDirectory("annals-projection-kill")
        let storePath = dir.path + "/store", databasePath = dir.path + "/readmodel.sqlite"
        var appended = 0
        var killedMidRun = 0
        for kill in 1...(Self.kills + 1) {
            let last = kill == Self.kills + 1
            let store = try await EventStore.open(directory: storePath)
            for _ in 0..<Int.random(in: 100...400, using: &random) {
                let amount = Int.random(in: -50...100, using: &random)
                try await store.append(to: "acct-\(Int.random(in: 0..<60, using: &random))",
                                       [EventData(type: "Moved", data: Array(#"{"amount":\#(amount)}"#.utf8))])
                appended += 1
            }
            try await store.close()
            let run = try Self.runChild(store: storePath, database: databasePath, batch: Int.random(in: 1...9, using: &random),
                                        killAfter: last ? nil : Int.random(in: 0...25, using: &random))
            let context = "seed \(seed) kill \(kill)"
            if last { #expect(run.finished, "\(context): the last run did not finish: \(run.stderr)") }
            if !run.finished { killedMidRun += 1 }
            let reopened = try await EventStore.open(directory: storePath)
            let database = try DatabaseQueue(path: databasePath)
            let checkpoint = try await database.read { db in
                try Int64.fetchOne(db, sql: "SELECT position FROM annals_checkpoints WHERE projection = 'balances'").map { LogPosition(UInt64($0)) }
            }
            if let checkpoint { #expect(checkpoint <= reopened.lastPosition!, "\(context): checkpoint \(checkpoint) ahead of the log") }
            if let through = run.through {
                #expect((checkpoint?.rawValue ?? 0) >= through, "\(context): a reported batch through \(through) is not in the database")
            }
            let expected = try await Self.expectedRows(reopened, through: checkpoint)
            #expect(try BalancesModel.rows(database) == expected,
                    "\(context): the database is not exactly the events up to its checkpoint \(String(describing: checkpoint))")
            if last { #expect(checkpoint == reopened.lastPosition, "\(context): the finished run stopped short") }
            try database.close()
            try await reopened.close()
        }
        #expect(killedMidRun >= Self.kills / 2, "seed \(seed): only \(killedMidRun) runs were killed before finishing")
        print("projection kill-9 seed \(seed): \(Self.kills) kills (\(killedMidRun) before the catch-up finished), \(appended) events")
        dir.remove()
    }
}
