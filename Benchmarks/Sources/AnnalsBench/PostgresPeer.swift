import CLibPQ
import Foundation

/// The PostgreSQL peer through libpq, PostgreSQL's own C client: the same table with jsonb
/// data, one transaction per batch, sent as one pipeline (one round trip per batch).
/// `synchronous_commit` is on, so a commit returns after the WAL is flushed.
struct PostgresPeer {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    let socketDirectory: String

    static let schema = """
        DEALLOCATE ALL;
        DROP TABLE IF EXISTS events;
        CREATE TABLE events(
            id BIGSERIAL PRIMARY KEY, stream TEXT NOT NULL, version BIGINT NOT NULL, type TEXT NOT NULL,
            data JSONB NOT NULL, metadata JSONB NOT NULL, created_at BIGINT NOT NULL, UNIQUE(stream, version))
        """

    func measureAll() throws {
        let connection = try PostgresConnection(socketDirectory: socketDirectory)
        let rows = PostgresRows(workload: workload)
        for batch in [1, 100, 1000] {
            try ingest(connection, rows, batch: batch, limit: batch == 1 ? settings.timeLimitSeconds : nil)
        }
        try measureScan(connection)
        try measureStreamReads(connection)
        let bytes = Int(try connection.query("SELECT pg_total_relation_size('events')").first?.first ?? "0") ?? 0
        results.compare("Footprint: store bytes ÷ input JSONL", peer: .postgres,
                        Figure(value: Double(bytes) / Double(workload.jsonlBytes), unit: "×",
                               note: "\(Format.grouped(bytes)) bytes: table, TOAST and indexes"),
                        higherIsBetter: false)
        try connection.execute("DROP TABLE events")
    }

    /// Inserts the workload (the last batch-size run stays for the reads).
    func ingest(_ connection: PostgresConnection, _ rows: PostgresRows, batch: Int, limit: Double?) throws {
        try connection.execute(Self.schema)
        try connection.execute("CHECKPOINT")
        try connection.prepare(name: "insert",
                               sql: "INSERT INTO events(stream, version, type, data, metadata, created_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)")
        var inserted = 0
        let deadline = limit.map { Deadline(seconds: $0) }
        let seconds = try timed {
            var start = 0
            while start < rows.count {
                let end = min(start + batch, rows.count)
                try connection.pipelineTransaction(statement: "insert", rows: rows, range: start..<end)
                inserted += end - start
                start = end
                if let deadline, deadline.passed { break }
            }
        }
        var note = "synchronous_commit=on, \(Format.grouped(inserted)) events"
        if limit != nil { note += ", stopped after \(Format.fixed(seconds, 1)) s" }
        let figure = Figure(value: Double(inserted) / seconds, unit: "events/s", note: note)
        results.compare("Ingest batch \(batch), durable (events/s)", peer: .postgres, figure)
        if batch == 1000 { results.compareStore(StoreRow.durableIngest, peer: .postgres, figure) }
        if batch == 1 { results.compareStore(StoreRow.singleDurable, peer: .postgres, figure) }
    }

    func measureScan(_ connection: PostgresConnection) throws {
        var events = 0
        let seconds = try bestOf(settings.repeats) {
            events = try connection.scan(
                "SELECT id, stream, version, type, data, metadata, created_at FROM events ORDER BY id", fetch: 10_000, dataColumn: 4)
        }
        guard events == workload.events.count else { throw BenchError("PostgreSQL scan saw \(events) rows") }
        results.compare("Full warm scan (events/s)", peer: .postgres,
                        Figure(value: Double(events) / seconds, unit: "events/s", note: "server-side cursor, 10,000 rows a fetch"))
    }

    func measureStreamReads(_ connection: PostgresConnection) throws {
        try connection.prepare(name: "stream",
                               sql: "SELECT id, version, type, data, metadata, created_at FROM events WHERE stream = $1 ORDER BY version")
        let sample = workload.sampleStreams(settings.streamSample, seed: 7)
        var events = 0
        let seconds = try bestOf(settings.repeats) {
            events = 0
            for stream in sample { events += try connection.rowsOfPrepared("stream", parameter: stream, dataColumn: 3) }
        }
        let expected = sample.reduce(0) { $0 + workload.streams[$1]!.count }
        guard events == expected else { throw BenchError("PostgreSQL stream reads saw \(events) events, not \(expected)") }
        results.compareStore(StoreRow.readsHot, peer: .postgres,
                        Figure(value: Double(sample.count) / seconds, unit: "streams/s", note: "prepared SELECT ... WHERE stream=$1 ORDER BY version"))
    }
}

/// The workload as libpq text parameters: six NUL-terminated strings per row in one buffer,
/// built before any timing starts.
final class PostgresRows {
    static let columns = 6
    let count: Int
    private let storage: UnsafeMutablePointer<CChar>
    let pointers: UnsafeMutablePointer<UnsafePointer<CChar>?>

    init(workload: Workload) {
        let now = String(Int64(Date().timeIntervalSince1970 * 1e9))
        let fields: [[UInt8]] = workload.events.flatMap { event in
            [Array(event.stream.utf8), Array(String(event.version).utf8), Array(event.eventType.utf8),
             event.data, event.metadata, Array(now.utf8)]
        }
        count = workload.events.count
        let total = fields.reduce(0) { $0 + $1.count + 1 }
        storage = .allocate(capacity: total)
        pointers = .allocate(capacity: fields.count)
        var offset = 0
        for (index, field) in fields.enumerated() {
            for (byteIndex, byte) in field.enumerated() { storage[offset + byteIndex] = CChar(bitPattern: byte) }
            storage[offset + field.count] = 0
            pointers[index] = UnsafePointer(storage + offset)
            offset += field.count + 1
        }
    }

    deinit {
        storage.deallocate()
        pointers.deallocate()
    }

    /// The parameter array of row `index`.
    func parameters(_ index: Int) -> UnsafePointer<UnsafePointer<CChar>?> { UnsafePointer(pointers + index * Self.columns) }
}
