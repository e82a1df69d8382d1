import Foundation
import GRDB

/// The SQLite side of the tag queries: each row decoded into the same values `RecordedEvent`
/// holds (stream, version, position, commit time, id, type, data, metadata, tags).
enum SQLiteReads {
    /// One event as the SQLite peer returns it.
    struct Event {
        var stream: String
        var version: UInt64
        var position: Int64
        var timestampNanoseconds: Int64
        var id: UUID
        var type: String
        var data: [UInt8]
        var metadata: [UInt8]
        var tags: [String]
    }

    static let columns = "e.position, e.stream, e.version, e.type, e.id, e.created_at, e.data, e.metadata, e.tags"
    static let byTag = "SELECT \(columns) FROM event_tags t JOIN events e ON e.position = t.position WHERE t.tag = ? ORDER BY t.position"
    static let byTwoTags = """
        SELECT \(columns) FROM event_tags t JOIN event_tags u ON u.position = t.position AND u.tag = ?
        JOIN events e ON e.position = t.position WHERE t.tag = ? ORDER BY t.position
        """
    static let byTypeAndTag = "SELECT \(columns) FROM event_tags t JOIN events e ON e.position = t.position WHERE t.tag = ? AND e.type = ? ORDER BY t.position"

    /// Runs `sql` with `arguments` in a read transaction and decodes every row; returns the
    /// events (synchronous: GRDB's blocking read, on the caller's thread).
    static func fetch(_ queue: DatabaseQueue, _ sql: String, _ arguments: StatementArguments) throws -> [Event] {
        try queue.read { db in
            let statement = try db.cachedStatement(sql: sql)
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            var events: [Event] = []
            while let row = try cursor.next() {
                events.append(try decode(row))
            }
            return events
        }
    }

    /// SQLite's plan for `sql`, its steps joined by "; ", for the report.
    static func plan(_ queue: DatabaseQueue, _ sql: String, _ arguments: StatementArguments) throws -> String {
        try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
        }
    }

    private static func decode(_ row: Row) throws -> Event {
        let id = try row.withUnsafeData(atIndex: 4) { data -> UUID in
            guard let data, data.count == 16 else { throw BenchFailure("an event id is not 16 bytes") }
            var uuid = UUID().uuid
            withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: data) }
            return UUID(uuid: uuid)
        }
        let tags: String = row[8]
        return Event(
            stream: row[1], version: UInt64(row[2] as Int64), position: row[0], timestampNanoseconds: row[5], id: id, type: row[3],
            data: try row.withUnsafeData(atIndex: 6) { $0.map { Array($0) } ?? [] },
            metadata: try row.withUnsafeData(atIndex: 7) { $0.map { Array($0) } ?? [] },
            tags: tags.split(separator: SQLiteFixture.tagSeparator).map(String.init))
    }
}
