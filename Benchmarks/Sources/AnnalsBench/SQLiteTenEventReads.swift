import Foundation
import GRDB

/// The SQLite peer of the 10-event hot stream read: 1,000 streams of exactly ten events (the
/// workload's first event's bytes, as `StreamSuite` writes them) in a database of their own,
/// each read whole with the cached `SELECT ... WHERE stream = ? ORDER BY version`, once through
/// GRDB's synchronous `read` and once through its async `read`. Per-call p50 after a warm-up pass.
struct SQLiteTenEventReads {
    let workload: Workload
    let results: Results
    var work: WorkDirectory

    static let select = "SELECT id, version, type, data, metadata, created_at FROM events WHERE stream = ? ORDER BY version"

    mutating func measure(passes: Int) async throws {
        let directory = try work.fresh("sqlite-ten-events")
        let queue = try SQLitePeer.open(directory + "/events.sqlite", synchronous: "OFF")
        let template = workload.events[0]
        try await queue.write { db in
            try db.execute(sql: SQLitePeer.schema)
            let statement = try db.cachedStatement(sql: SQLitePeer.insert)
            for stream in 0..<StreamSuite.tenEventStreams {
                for version in 1...10 {
                    statement.setUncheckedArguments(["tenevents-\(stream)", version, template.eventType, Data(template.data), Data(template.metadata), 0])
                    try statement.execute()
                }
            }
        }
        let names = (0..<StreamSuite.tenEventStreams).map { "tenevents-\($0)" }
        var syncSamples: [Double] = []
        var asyncSamples: [Double] = []
        for pass in 0...passes {
            for name in names {
                var start = monotonicNanos()
                let count = try Self.readSynchronously(queue, name)
                if pass > 0 { syncSamples.append(Double(monotonicNanos() - start) / 1e3) }
                start = monotonicNanos()
                let asyncCount = try await queue.read { db in try Self.readStream(db, name) }
                if pass > 0 { asyncSamples.append(Double(monotonicNanos() - start) / 1e3) }
                guard count == 10, asyncCount == 10 else { throw BenchError("SQLite read \(count) and \(asyncCount) events of \(name), not 10") }
            }
        }
        try queue.close()
        work.remove(directory)
        for (row, samples, api) in [(StoreRow.tenEventAsync, asyncSamples, "try await queue.read"), (StoreRow.tenEventSync, syncSamples, "queue.read")] {
            results.compareStore(row, peer: .sqlite, Figure(
                value: percentile(samples, 0.5), unit: "µs",
                note: "p99 \(Format.number(percentile(samples, 0.99))) µs over \(samples.count) reads, \(api) with a cached SELECT"), higherIsBetter: false)
        }
    }

    /// GRDB's blocking `read` (an async caller would get the async overload).
    private static func readSynchronously(_ queue: DatabaseQueue, _ name: String) throws -> Int {
        try queue.read { db in try readStream(db, name) }
    }

    private static func readStream(_ db: Database, _ name: String) throws -> Int {
        let statement = try db.cachedStatement(sql: select)
        let cursor = try Row.fetchCursor(statement, arguments: [name])
        var events = 0
        while let row = try cursor.next() {
            events += try row.withUnsafeData(atIndex: 3) { $0?.isEmpty == false ? 1 : 0 }
        }
        return events
    }
}
