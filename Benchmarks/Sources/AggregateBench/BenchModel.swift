import Annals
import AnnalsSQLite
import Foundation
import GRDB

/// The benchmark's aggregate: a running total of `{"amount": n}` events.
struct Account: Aggregate {
    static let category = "account"
    var balance = 0
    var count = 0

    mutating func apply(_ event: AccountEvent) {
        switch event {
        case .deposited(let deposit):
            balance += deposit.amount
            count += 1
        }
    }
}

enum AccountEvent: AggregateEvent {
    case deposited(Deposited)
    struct Deposited: Codable, Sendable { var amount: Int }

    var eventType: String { "Deposited" }
    var payload: any Encodable & Sendable {
        switch self { case .deposited(let deposit): deposit }
    }
    static func decode(eventType: String, payload: EventPayload) throws -> AccountEvent {
        guard eventType == "Deposited" else { throw payload.unknownType() }
        return .deposited(try payload.decode())
    }
}

/// The read model both projection contenders fill: one row per account, upserted per event.
enum BalanceTable {
    static let create = "CREATE TABLE IF NOT EXISTS balances(account TEXT PRIMARY KEY, balance INTEGER NOT NULL, events INTEGER NOT NULL)"
    static let upsert = """
        INSERT INTO balances(account, balance, events) VALUES (?, ?, 1)
        ON CONFLICT(account) DO UPDATE SET balance = balance + excluded.balance, events = events + 1
        """

    static func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    static func total(_ database: any DatabaseWriter) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT SUM(events) FROM balances") ?? 0 }
    }
}

/// The projection's read model: decodes each event's JSON and upserts its row through a
/// cached statement, as the hand-written loop does.
struct BalanceModel: SQLiteReadModel {
    struct Amount: Decodable { var amount: Int }

    func createTables(_ db: Database) throws { try db.execute(sql: BalanceTable.create) }
    func dropTables(_ db: Database) throws { try db.execute(sql: "DROP TABLE IF EXISTS balances") }

    func apply(_ event: RecordedEvent, _ db: Database) throws {
        let amount = try JSONDecoder().decode(Amount.self, from: Data(event.data)).amount
        try db.cachedStatement(sql: BalanceTable.upsert).execute(arguments: [event.stream.rawValue, amount])
    }
}
