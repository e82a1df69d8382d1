import Foundation
import GRDB
import SQLiteWAL

/// The SQLite peer through GRDB: WAL, the classic events table, one transaction per batch.
struct SQLitePeer {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    /// One event as the table stores it, built before any timing starts.
    struct Row: Sendable {
        var stream: String
        var version: Int64
        var type: String
        var data: Data
        var metadata: Data
    }

    static let schema = """
        CREATE TABLE events(
            id INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
            data BLOB NOT NULL, metadata BLOB NOT NULL, created_at INTEGER NOT NULL, UNIQUE(stream, version))
        """
    static let insert = "INSERT INTO events(stream, version, type, data, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)"

    /// A connection in WAL mode at `synchronous`, read back before any timing (`WALDatabase`).
    static func open(_ path: String, synchronous: String) throws -> DatabaseQueue {
        try WALDatabase.open(path, synchronous: synchronous)
    }

    func open(_ path: String, synchronous: String) throws -> DatabaseQueue { try Self.open(path, synchronous: synchronous) }

    mutating func measureAll() async throws {
        let rows = workload.events.map {
            Row(stream: $0.stream, version: Int64($0.version), type: $0.eventType, data: Data($0.data), metadata: Data($0.metadata))
        }
        var readPath: String?
        for synchronous in ["FULL", "OFF"] {
            for batch in [1, 100, 1000] {
                let limited = synchronous == "FULL" && batch == 1
                let keep = synchronous == "FULL" && batch == 1000
                let path = try ingest(rows, batch: batch, synchronous: synchronous, limit: limited ? settings.timeLimitSeconds : nil)
                if keep { readPath = path } else { work.remove((path as NSString).deletingLastPathComponent) }
            }
        }
        var concurrent = SQLiteConcurrentWriters(rows: rows, settings: settings, results: results, work: work)
        try await concurrent.measure(tasks: 64)
        var tenEvents = SQLiteTenEventReads(workload: workload, results: results, work: work)
        try await tenEvents.measure(passes: 5)
        guard let readPath else { return }
        let queue = try open(readPath, synchronous: "FULL")
        try measureScan(queue)
        try measureStreamReads(queue)
        try measureColdStreamReads(readPath)
        try await queue.writeWithoutTransaction { db in _ = try checkpointWAL(db) }
        try queue.close()
        let bytes = WorkDirectory.fileBytes(readPath) + WorkDirectory.fileBytes(readPath + "-wal")
        results.compare("Footprint: store bytes ÷ input JSONL", peer: .sqlite,
                        Figure(value: Double(bytes) / Double(workload.jsonlBytes), unit: "×", note: "\(Format.grouped(bytes)) bytes"),
                        higherIsBetter: false)
        work.remove((readPath as NSString).deletingLastPathComponent)
    }

    /// Inserts the rows in transactions of `batch`; returns the database path.
    mutating func ingest(_ rows: [Row], batch: Int, synchronous: String, limit: Double?) throws -> String {
        let directory = try work.fresh("sqlite-b\(batch)-\(synchronous)")
        let path = directory + "/events.sqlite"
        let queue = try open(path, synchronous: synchronous)
        try queue.write { db in try db.execute(sql: Self.schema) }
        var inserted = 0
        let deadline = limit.map { Deadline(seconds: $0) }
        let seconds = try timed {
            var start = 0
            while start < rows.count {
                let end = min(start + batch, rows.count)
                try queue.write { db in
                    let statement = try db.cachedStatement(sql: Self.insert)
                    let now = Int64(Date().timeIntervalSince1970 * 1e9)
                    for row in rows[start..<end] {
                        statement.setUncheckedArguments([row.stream, row.version, row.type, row.data, row.metadata, now])
                        try statement.execute()
                    }
                }
                inserted += end - start
                start = end
                if let deadline, deadline.passed { break }
            }
        }
        try queue.close()
        let durable = synchronous == "FULL"
        var note = "synchronous=\(synchronous), \(Format.grouped(inserted)) events"
        if limit != nil { note += ", stopped after \(Format.fixed(seconds, 1)) s" }
        let figure = Figure(value: Double(inserted) / seconds, unit: "events/s", note: note)
        results.compare("Ingest batch \(batch), \(durable ? "durable" : "not durable") (events/s)", peer: .sqlite, figure)
        // The same work as the rows measured through EventStore.
        switch (batch, durable) {
        case (1000, true): results.compareStore(StoreRow.durableIngest, peer: .sqlite, figure)
        case (1, true): results.compareStore(StoreRow.singleDurable, peer: .sqlite, figure)
        case (1, false): results.compareStore(StoreRow.singleNone, peer: .sqlite, figure)
        default: break
        }
        return path
    }

    func measureScan(_ queue: DatabaseQueue) throws {
        var events = 0
        var bytes = 0
        let seconds = try bestOf(settings.repeats) {
            events = 0
            bytes = 0
            try queue.read { db in
                let cursor = try GRDB.Row.fetchCursor(db, sql: "SELECT id, stream, version, type, data, metadata, created_at FROM events ORDER BY id")
                while let row = try cursor.next() {
                    events += 1
                    bytes &+= try row.withUnsafeData(atIndex: 4) { data in (data?.count ?? 0) &+ Int(data?.first ?? 0) }
                }
            }
        }
        guard events == workload.events.count else { throw BenchError("SQLite scan saw \(events) rows") }
        results.compare("Full warm scan (events/s)", peer: .sqlite, Figure(value: Double(events) / seconds, unit: "events/s"))
    }

    func measureStreamReads(_ queue: DatabaseQueue) throws {
        let sample = workload.sampleStreams(settings.streamSample, seed: 7)
        var events = 0
        let seconds = try bestOf(settings.repeats) { events = try readStreams(sample, queue) }
        let expected = sample.reduce(0) { $0 + workload.streams[$1]!.count }
        guard events == expected else { throw BenchError("SQLite stream reads saw \(events) events, not \(expected)") }
        results.compareStore(StoreRow.readsHot, peer: .sqlite,
                        Figure(value: Double(sample.count) / seconds, unit: "streams/s", note: "SELECT ... WHERE stream=? ORDER BY version"))
    }

    /// One pass over another seeded sample on a newly opened connection: SQLite's page cache
    /// is empty, the OS page cache warm (the same in-process cold start as Annals').
    func measureColdStreamReads(_ path: String) throws {
        let sample = workload.sampleStreams(settings.streamSample, seed: 8)
        let queue = try open(path, synchronous: "FULL")
        defer { try? queue.close() }
        var events = 0
        let seconds = try timed { events = try readStreams(sample, queue) }
        let expected = sample.reduce(0) { $0 + workload.streams[$1]!.count }
        guard events == expected else { throw BenchError("SQLite cold stream reads saw \(events) events, not \(expected)") }
        results.compareStore(StoreRow.readsCold, peer: .sqlite,
                        Figure(value: Double(sample.count) / seconds, unit: "streams/s", note: "new connection, one pass"))
    }

    private func readStreams(_ sample: [String], _ queue: DatabaseQueue) throws -> Int {
        var events = 0
        try queue.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT id, version, type, data, metadata, created_at FROM events WHERE stream = ? ORDER BY version")
            for stream in sample {
                let cursor = try GRDB.Row.fetchCursor(statement, arguments: [stream])
                while let row = try cursor.next() {
                    events += try row.withUnsafeData(atIndex: 3) { $0?.isEmpty == false ? 1 : 0 }
                }
            }
        }
        return events
    }
}

/// Folds the WAL into the database file so its size is the whole footprint.
private func checkpointWAL(_ db: Database) throws -> GRDB.Row? {
    try GRDB.Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
}
