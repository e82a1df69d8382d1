// The code of docs/GUIDE.md, compiled and run. Every ```swift block of the guide appears here
// verbatim (GuideDocumentTests checks it), so the guide cannot drift from the API.
import Annals
import AnnalsSQLite
import AnnalsTestSupport
import Foundation
import GRDB
import Testing

// MARK: Guide §3, an aggregate

struct Restocked: Codable, Sendable { var quantity: Int }
struct Sold: Codable, Sendable { var quantity: Int }

enum ProductEvent: AggregateEvent {
    case restocked(Restocked)
    case sold(Sold)

    // The names stored in the log: explicit, so renaming a Swift type never orphans history.
    var eventType: String {
        switch self {
        case .restocked: "ProductRestocked"
        case .sold: "ProductSold"
        }
    }

    var payload: any Encodable & Sendable {
        switch self {
        case .restocked(let event): event
        case .sold(let event): event
        }
    }

    static func decode(eventType: String, payload: EventPayload) throws -> ProductEvent {
        switch eventType {
        case "ProductRestocked": .restocked(try payload.decode())
        case "ProductSold": .sold(try payload.decode())
        default: throw payload.unknownType()
        }
    }

    // ProductRestocked's payload changed shape once: it is at schema version 2 (see §6).
    static func schemaVersion(of eventType: String) -> Int {
        eventType == "ProductRestocked" ? 2 : 1
    }
}

struct Product: Aggregate {
    static let category = "product"        // streams product-<id>
    static let snapshotInterval: Int? = 100 // a snapshot every 100 events

    var onHand = 0

    mutating func apply(_ event: ProductEvent) {
        switch event {
        case .restocked(let event): onHand += event.quantity
        case .sold(let event): onHand -= event.quantity
        }
    }
}

struct OutOfStock: Error {}

// MARK: Guide §7, a SQLite read model

struct StockTable: SQLiteReadModel {
    func createTables(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS stock(product TEXT PRIMARY KEY, on_hand INTEGER NOT NULL)")
    }

    func dropTables(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE IF EXISTS stock")
    }

    func apply(_ event: RecordedEvent, _ db: Database) throws {
        let change = switch try Repository<Product>.decode(event) {
        case .restocked(let event): event.quantity
        case .sold(let event): -event.quantity
        }
        try db.execute(sql: """
            INSERT INTO stock(product, on_hand) VALUES (?, ?)
            ON CONFLICT(product) DO UPDATE SET on_hand = on_hand + excluded.on_hand
            """, arguments: [event.stream.rawValue, change])
    }
}

extension Repository<Product> {
    /// Decodes a product event outside a repository (the read model has no store at hand).
    static func decode(_ event: RecordedEvent) throws -> ProductEvent {
        try EventCodec<ProductEvent>().decode(event)
    }
}

@Suite(.timeLimit(.minutes(10))) struct GuideExamplesTests {
    /// Proves the guide's §2 (open, append, read) runs as written.
    @Test func openAppendRead() async throws {
        let dir = TemporaryDirectory("annals-guide")
        defer { dir.remove() }
        let directory = dir.path

        let store = try await EventStore.open(directory: directory)
        let note = EventData(type: "NoteTaken", data: Array(#"{"text":"hello"}"#.utf8))
        let result = try await store.append(to: "note-1", [note], expectedVersion: .noStream)
        let events = try await store.read(stream: "note-1")
        print(result.streamVersion, events[0].type, events[0].date)  // 0 NoteTaken <commit time>

        #expect(result.streamVersion == 0 && events.map(\.id) == [note.id])
        try await store.close()
    }

    /// Proves the guide's §4 and §5 (load, save, execute, conflicts, time travel) run as written.
    @Test func loadSaveExecute() async throws {
        let dir = TemporaryDirectory("annals-guide")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)

        let products = Repository<Product>(store: store)
        let apples = try await products.load(id: "apples")  // no events yet: version nil
        let restocked = try await products.save([.restocked(Restocked(quantity: 10))], to: apples)
        print(restocked.state.onHand, restocked.version!)    // 10 0

        // A save from a stale load fails and writes nothing.
        do {
            try await products.save([.sold(Sold(quantity: 1))], to: apples)
        } catch {
            // error is an AggregateError (typed throws)
            if case .conflict(let stream, let expected, let actual) = error {
                print(stream, expected, actual!)              // product-apples noStream 0
            }
        }

        // execute reloads and decides again when another writer got there first.
        let sold = try await products.execute(id: "apples", maxAttempts: 5) { product in
            guard product.onHand >= 3 else { throw OutOfStock() }
            return [.sold(Sold(quantity: 3))]
        }
        print(sold.state.onHand)                              // 7

        let firstVersion = try await products.load(id: "apples", atVersion: 0)
        let lastWeek = try await products.load(id: "apples", asOf: Date().addingTimeInterval(-7 * 86_400))
        print(firstVersion.state.onHand, lastWeek.version as Any)  // 10 nil

        #expect(sold.state.onHand == 7 && sold.version == 1)
        #expect(firstVersion.state.onHand == 10 && lastWeek.version == nil)
        try await store.close()
    }

    /// Proves the guide's §6 (upcasting a v1 payload) runs as written.
    @Test func upcasting() async throws {
        let dir = TemporaryDirectory("annals-guide")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        try await store.append(to: "product-pears", [EventData(type: "ProductRestocked", data: Array(#"{"qty":4}"#.utf8))])

        var codec = EventCodec<ProductEvent>()
        // Version 1 of ProductRestocked said {"qty": n}; version 2 says {"quantity": n}.
        codec.register(eventType: "ProductRestocked", from: 1) { old in
            var new = old
            new["quantity"] = old["qty"]
            new["qty"] = nil
            return new
        }
        let products = Repository<Product>(store: store, codec: codec)

        #expect(try await products.load(id: "pears").state.onHand == 4)
        try await store.close()
    }

    /// Proves the guide's §7 (subscribe, project into SQLite, rebuild) and §8 (snapshot) run as written.
    @Test func subscribeProjectSnapshot() async throws {
        let dir = TemporaryDirectory("annals-guide")
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        let products = Repository<Product>(store: store)
        try await products.save(id: "apples", events: [.restocked(Restocked(quantity: 10))], expectedVersion: .noStream)
        try await products.save(id: "pears", events: [.restocked(Restocked(quantity: 5))], expectedVersion: .noStream)
        let readModelPath = dir.file("read.sqlite")

        var seen = 0
        for try await event in try store.subscribe(from: .start, filter: .category("product")) {
            print(event.position, event.stream, event.type)
            seen += 1
            if seen == 2 { break }  // a service would keep going; `run()` below does
        }

        let stock = try SQLiteProjection(name: "stock", model: StockTable(), path: readModelPath)
        let runner = ProjectionRunner(store: store, projection: stock, filter: .category("product"))
        try await runner.catchUp()                   // everything committed so far
        let live = Task { try await runner.run() }   // then live appends, until cancelled
        print(try await runner.status().lag)          // positions behind the log's head

        let total = try await stock.database.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(on_hand) FROM stock")
        }
        try await runner.rebuild()                   // drop the table and the checkpoint, replay
        live.cancel()

        try await products.snapshot(id: "apples")    // on demand, beside the automatic ones

        #expect(total == 15 && seen == 2)
        #expect(try await runner.status().lag == 0)
        try await live.value
        try await store.close()
    }
}
