public import Annals
public import AnnalsLog
public import GRDB

/// A projection into SQLite: the read model's rows and the projection's checkpoint are written
/// in one SQLite transaction per batch, so each event's effect is in the database exactly once,
/// whatever the moment of a crash (a transaction that did not commit leaves neither).
///
/// The checkpoint lives in the table `annals_checkpoints(projection TEXT PRIMARY KEY,
/// position INTEGER NOT NULL)`, one row per projection name, so several projections can share
/// one database file.
public final class SQLiteProjection<Model: SQLiteReadModel>: Projection {
    /// The projection's name: its checkpoint row.
    public let name: String
    /// The read model whose tables the projection keeps.
    public let model: Model
    /// The database the read model lives in; read it freely.
    public let database: any DatabaseWriter

    /// Uses `database`, creating the checkpoint table and the model's tables if missing.
    public init(name: String, model: Model, database: any DatabaseWriter) throws {
        precondition(!name.isEmpty, "a projection needs a name")
        self.name = name
        self.model = model
        self.database = database
        try database.write { db in
            try Self.createCheckpointTable(db)
            try model.createTables(db)
        }
    }

    /// Opens (creating if needed) the SQLite file at `path` in WAL mode.
    ///
    /// `synchronous=NORMAL` in WAL mode can lose the last commits on power loss, but never
    /// splits one: the rows and the checkpoint go back together, and the runner re-applies the
    /// events after the checkpoint, so the read model stays exact.
    public convenience init(name: String, model: Model, path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        try self.init(name: name, model: model, database: try DatabaseQueue(path: path, configuration: configuration))
    }

    /// The checkpoint stored in the read model's database, or nil before any event.
    public func checkpoint() async throws -> LogPosition? {
        let name = self.name
        return try await database.read { db in try Self.storedCheckpoint(db, name: name) }
    }

    /// Applies the events after the stored checkpoint (a batch delivered again is skipped, so
    /// the effect stays exactly once) and moves the checkpoint to `through`, in one transaction.
    public func apply(_ events: [RecordedEvent], through: LogPosition) async throws {
        let (name, model) = (self.name, self.model)
        try await database.write { db in
            let stored = try Self.storedCheckpoint(db, name: name)
            if let stored, stored >= through { return }
            for event in events where stored.map({ event.position > $0 }) ?? true {
                try model.apply(event, db)
            }
            try db.execute(
                sql: "INSERT INTO annals_checkpoints(projection, position) VALUES (?, ?) "
                    + "ON CONFLICT(projection) DO UPDATE SET position = excluded.position",
                arguments: [name, Int64(through.rawValue)])
        }
    }

    /// Drops the model's tables and the checkpoint, and creates empty tables, in one transaction.
    public func reset() async throws {
        let (name, model) = (self.name, self.model)
        try await database.write { db in
            try model.dropTables(db)
            try db.execute(sql: "DELETE FROM annals_checkpoints WHERE projection = ?", arguments: [name])
            try model.createTables(db)
        }
    }

    static func createCheckpointTable(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS annals_checkpoints(projection TEXT PRIMARY KEY, position INTEGER NOT NULL)")
    }

    static func storedCheckpoint(_ db: Database, name: String) throws -> LogPosition? {
        try Int64.fetchOne(db, sql: "SELECT position FROM annals_checkpoints WHERE projection = ?", arguments: [name])
            .map { LogPosition(UInt64($0)) }
    }
}
