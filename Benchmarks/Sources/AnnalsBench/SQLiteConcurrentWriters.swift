import Foundation
import GRDB

/// The SQLite peer of the 64 concurrent single-event durable appenders: as many tasks, each
/// inserting its share of the workload one row per transaction through GRDB's async `write`
/// (GRDB serializes the writers on its queue; each commit syncs the WAL at synchronous=FULL).
struct SQLiteConcurrentWriters {
    let rows: [SQLitePeer.Row]
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    mutating func measure(tasks: Int) async throws {
        let directory = try work.fresh("sqlite-concurrent")
        let path = directory + "/events.sqlite"
        let queue = try SQLitePeer.open(path, synchronous: "FULL")
        try await queue.write { db in try db.execute(sql: SQLitePeer.schema) }
        let perTask = rows.count / tasks
        guard perTask > 0 else { throw BenchError("\(tasks) concurrent appenders need at least \(tasks) events") }
        let rows = self.rows
        let limit = settings.timeLimitSeconds
        var total = 0
        let seconds = try await timedAsync {
            let deadline = Deadline(seconds: limit)
            total = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        var done = 0
                        for row in rows[(task * perTask)..<((task + 1) * perTask)] {
                            try await queue.write { db in
                                let statement = try db.cachedStatement(sql: SQLitePeer.insert)
                                statement.setUncheckedArguments([row.stream, row.version, row.type, row.data, row.metadata,
                                                                 Int64(Date().timeIntervalSince1970 * 1e9)])
                                try statement.execute()
                            }
                            done += 1
                            if deadline.passed { break }
                        }
                        return done
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        try queue.close()
        work.remove(directory)
        results.compareStore(StoreRow.concurrentAppenders, peer: .sqlite, Figure(
            value: Double(total) / seconds, unit: "events/s",
            note: "\(tasks) tasks, one row per transaction through DatabaseQueue.write, synchronous=FULL, \(Format.grouped(total)) events in \(Format.fixed(seconds, 1)) s"))
    }
}
