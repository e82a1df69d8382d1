public import Annals
public import GRDB

/// A read model kept in SQLite tables by a `SQLiteProjection`.
///
/// Each method runs inside a transaction the projection opened; the model never commits.
///
/// ```swift
/// struct StockModel: SQLiteReadModel {
///     func createTables(_ db: Database) throws {
///         try db.execute(sql: "CREATE TABLE IF NOT EXISTS stock(product TEXT PRIMARY KEY, quantity INTEGER NOT NULL)")
///     }
///     func dropTables(_ db: Database) throws {
///         try db.execute(sql: "DROP TABLE IF EXISTS stock")
///     }
///     func apply(_ event: RecordedEvent, _ db: Database) throws { ... }
/// }
/// ```
public protocol SQLiteReadModel: Sendable {
    /// Creates the model's tables and indexes if they are missing.
    func createTables(_ db: Database) throws
    /// Drops the model's tables (a rebuild creates them anew).
    func dropTables(_ db: Database) throws
    /// Applies one event's effect to the tables.
    func apply(_ event: RecordedEvent, _ db: Database) throws
}
