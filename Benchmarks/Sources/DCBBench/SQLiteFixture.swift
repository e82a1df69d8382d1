import Foundation
import GRDB
import SQLiteWAL

/// The synthetic store in SQLite through GRDB: an `events` table keyed by log position (with
/// the stream-version uniqueness an event store needs), and `event_tags(tag, position)` with an
/// index on `(tag, position)`. WAL with `synchronous=FULL`, read back before any timing.
enum SQLiteFixture {
    static let schema = """
        CREATE TABLE events(
            position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
            id BLOB NOT NULL, created_at INTEGER NOT NULL, data BLOB NOT NULL, metadata BLOB NOT NULL, tags TEXT NOT NULL,
            UNIQUE(stream, version));
        CREATE TABLE event_tags(tag TEXT NOT NULL, position INTEGER NOT NULL);
        """
    static let tagIndex = "CREATE INDEX event_tags_by_tag_position ON event_tags(tag, position)"
    static let insertEvent = """
        INSERT INTO events(position, stream, version, type, id, created_at, data, metadata, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertTag = "INSERT INTO event_tags(tag, position) VALUES (?, ?)"
    /// Tags are kept in the event's row too, joined by this (no synthetic tag contains it), so a
    /// read returns them without a second lookup.
    static let tagSeparator: Character = "\n"

    /// A connection in WAL mode at `synchronous`, read back before any timing (`WALDatabase`).
    static func open(_ path: String, synchronous: String) throws -> DatabaseQueue {
        try WALDatabase.open(path, synchronous: synchronous)
    }

    /// Writes events `0..<events` (not durable while loading), adds the tag index and runs
    /// `ANALYZE` so the planner knows the tags' selectivity, then reopens at `synchronous=FULL`.
    static func build(_ path: String, events: Int) throws -> DatabaseQueue {
        let loader = try open(path, synchronous: "OFF")
        try loader.write { db in try db.execute(sql: schema) }
        var start = 0
        while start < events {
            let end = min(start + 10_000, events)
            try loader.write { db in
                let insert = try db.cachedStatement(sql: insertEvent)
                let tag = try db.cachedStatement(sql: insertTag)
                for i in start..<end {
                    let position = Int64(i + 1)
                    try insertRow(SyntheticEvents.event(i), position: position, db, insert: insert, tag: tag)
                }
            }
            start = end
        }
        try loader.writeWithoutTransaction { db in
            try db.execute(sql: tagIndex)
            try db.execute(sql: "ANALYZE")
            try db.checkpoint(.truncate)
        }
        try loader.close()
        return try open(path, synchronous: "FULL")
    }

    /// Inserts one event at `position` (nil: the next rowid) and its tags; returns its position.
    @discardableResult
    static func insertRow(
        _ event: SyntheticEvents.Event, position: Int64?, _ db: Database, insert: Statement, tag: Statement
    ) throws -> Int64 {
        let id = withUnsafeBytes(of: UUID().uuid) { Data($0) }
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        insert.setUncheckedArguments([
            position, event.stream, event.version, event.type, id, now, Data(event.payload), Data(), event.tags.joined(separator: String(tagSeparator)),
        ])
        try insert.execute()
        let stored = position ?? db.lastInsertedRowID
        for name in event.tags {
            tag.setUncheckedArguments([name, stored])
            try tag.execute()
        }
        return stored
    }
}
