import Annals
import AnnalsSQLite
import Foundation
import GRDB

/// An aggregate for the stream-layer power-loss suite: its state records every amount in order,
/// so a fold that skips, repeats or reorders an event (or a stale snapshot) gives another state.
struct Account: Aggregate, Equatable {
    static let category = "acct"
    static let snapshotInterval: Int? = 4
    var balance = 0
    var amounts: [Int] = []

    mutating func apply(_ event: AccountEvent) {
        balance += event.amount
        amounts.append(event.amount)
    }
}

struct AccountEvent: AggregateEvent, Equatable, Codable {
    var amount: Int
    var eventType: String { "Moved" }
    var payload: any Encodable & Sendable { self }

    static func decode(eventType: String, payload: EventPayload) throws -> AccountEvent {
        guard eventType == "Moved" else { throw payload.unknownType() }
        return try payload.decode()
    }
}

/// A SQLite read model of every account: balance, event count and the last version applied,
/// so an event applied twice or skipped shows as a difference from a rebuild.
final class BalancesModel: SQLiteReadModel {
    func createTables(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS balances(stream TEXT PRIMARY KEY, balance INTEGER NOT NULL, events INTEGER NOT NULL, last INTEGER NOT NULL)")
    }

    func dropTables(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS balances")
    }

    func apply(_ event: RecordedEvent, _ db: Database) throws {
        let amount = try JSONDecoder().decode(AccountEvent.self, from: Data(event.data)).amount
        try db.execute(sql: """
            INSERT INTO balances(stream, balance, events, last) VALUES (?, ?, 1, ?)
            ON CONFLICT(stream) DO UPDATE SET balance = balance + excluded.balance, events = events + 1, last = excluded.last
            """, arguments: [event.stream.rawValue, amount, Int64(event.version)])
    }

    /// Every row, as stream to [balance, events, last version].
    static func rows(_ database: any DatabaseReader) throws -> [String: [Int64]] {
        try database.read { db in
            var rows: [String: [Int64]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stream, balance, events, last FROM balances") {
                rows[row["stream"]] = [row["balance"], row["events"], row["last"]]
            }
            return rows
        }
    }
}
