import Annals
import AnnalsSQLite
import Foundation
import GRDB

/// The shop's SQLite read model: one row per product with what is on hand, restocked and sold.
struct StockReadModel: SQLiteReadModel {
    func createTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS stock(
                product TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
                on_hand INTEGER NOT NULL DEFAULT 0, restocked INTEGER NOT NULL DEFAULT 0, sold INTEGER NOT NULL DEFAULT 0)
            """)
    }

    func dropTables(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS stock")
    }

    func apply(_ event: RecordedEvent, _ db: Database) throws {
        let product = String(event.stream.rawValue.dropFirst("product-".count))
        try db.execute(sql: "INSERT OR IGNORE INTO stock(product) VALUES (?)", arguments: [product])
        switch try ProductEvent.decode(eventType: event.type, payload: EventPayload(eventType: event.type, json: Data(event.data))) {
        case .listed(let listed):
            try db.execute(sql: "UPDATE stock SET name = ? WHERE product = ?", arguments: [listed.name, product])
        case .restocked(let restock):
            try db.execute(sql: "UPDATE stock SET on_hand = on_hand + ?, restocked = restocked + ? WHERE product = ?",
                           arguments: [restock.quantity, restock.quantity, product])
        case .sold(let sale):
            try db.execute(sql: "UPDATE stock SET on_hand = on_hand - ?, sold = sold + ? WHERE product = ?",
                           arguments: [sale.quantity, sale.quantity, product])
        }
    }

    struct Row: Equatable {
        var product: String
        var name: String
        var onHand: Int
        var restocked: Int
        var sold: Int
    }

    static func rows(_ database: any DatabaseWriter) throws -> [Row] {
        try database.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT product, name, on_hand, restocked, sold FROM stock ORDER BY product").map {
                Row(product: $0["product"], name: $0["name"], onHand: $0["on_hand"], restocked: $0["restocked"], sold: $0["sold"])
            }
        }
    }
}
