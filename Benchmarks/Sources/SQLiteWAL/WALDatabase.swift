public import GRDB

/// A SQLite connection as the benchmarks' peers use it: WAL mode at a chosen `synchronous`
/// level, read back before any timing. GRDB's own `.wal` journal mode would set NORMAL after
/// `prepareDatabase`, so the level is set afterwards, and a peer never runs at a level other
/// than the one its figures name.
public enum WALDatabase {
    /// The level SQLite ended up at was not the one asked for.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens `path` in WAL mode at `synchronous` ("OFF", "NORMAL" or "FULL").
    public static func open(_ path: String, synchronous: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode=WAL")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let expected = ["OFF": 0, "NORMAL": 1, "FULL": 2][synchronous]
        precondition(expected != nil, "synchronous is OFF, NORMAL or FULL")
        let (journal, level) = try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous=\(synchronous)")
            return (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        guard journal == "wal", level == expected else {
            throw Mismatch(description: "SQLite at \(path) runs journal_mode=\(journal ?? "?"), synchronous=\(level ?? -1), not wal and \(synchronous)")
        }
        return queue
    }
}
