import Annals
import AnnalsLog
import AnnalsSQLite
import Foundation
import GRDB

/// The shop demo: an owner restocks products while customers buy them; orders are created,
/// paid and shipped. The events live in `./annals-shop-data/store`, a SQLite read model of the
/// stock in `./annals-shop-data/readmodel.sqlite`.
///
///     annals-shop [--dir PATH]
func runShop() async throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    var directory = "annals-shop-data"
    if let flag = arguments.firstIndex(of: "--dir"), flag + 1 < arguments.count { directory = arguments[flag + 1] }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let now = Date()
    let store = try await EventStore.open(directory: directory + "/store")
    let actions = ShopActions(store: store)
    let history = ShopHistory(actions: actions)

    let firstRun = try store.streams().isEmpty
    print("Annals shop: events in \(directory)/store, read model in \(directory)/readmodel.sqlite\n")
    if firstRun {
        let orders = try await history.seed(now: now.addingTimeInterval(-3600))
        print("First run: seeded 30 days of backdated history (\(orders) orders, \(store.lastPosition?.rawValue ?? 0) events).")
    }
    let run = try actions.orderIDs().count
    let added = try await history.addActivity(run: run)
    print("This run added \(added) events (a restock, new orders paid at once, shipments of earlier orders).")
    print("The store now holds \(store.lastPosition?.rawValue ?? 0) events in \(try store.streams().count) streams.\n")

    let readModelPath = directory + "/readmodel.sqlite"
    let stock = try SQLiteProjection(name: "stock", model: StockReadModel(), path: readModelPath)
    let runner = ProjectionRunner(store: store, projection: stock, filter: .category(Product.category))
    let lag = try await runner.status().lag
    let applied = try await runner.catchUp()
    print("Projection 'stock' was \(lag) positions behind; applied \(applied) product events, lag now \(try await runner.status().lag).\n")
    let reports = ShopReports(actions: actions, now: now)
    let rows = try StockReadModel.rows(stock.database)

    section("1. Current stock (SQLite read model)")
    print(reports.currentStock(rows))
    section("2. Stock added in the last 7 days (restock events since then, via the time index)")
    print(try await reports.stockAddedLastWeek())
    section("3. One order as it was at earlier times (Repository.load(id:asOf:))")
    let shipped = try await firstShippedOrder(actions) ?? "1001"
    print(try await reports.orderThroughTime(shipped))
    section("4. Audit trail of one product")
    print(try await reports.auditTrail("coffee", last: 12))
    section("5. Recovery: delete the read model, rebuild it from the events")
    try await proveRecovery(store: store, actions: actions, path: readModelPath, before: rows)
    try await store.close()
}

func section(_ title: String) {
    print("\n" + title + "\n")
}

func firstShippedOrder(_ actions: ShopActions) async throws -> String? {
    for id in try actions.orderIDs() where try await actions.orders.load(id: id).state.status == .shipped { return id }
    return nil
}

/// Deletes the SQLite file, rebuilds it from the log, and compares the totals with those from
/// before and with the aggregates folded straight from their streams.
func proveRecovery(store: EventStore, actions: ShopActions, path: String, before: [StockReadModel.Row]) async throws {
    for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
        try FileManager.default.removeItem(atPath: path + suffix)
    }
    print("  deleted \(path)")
    let rebuilt = try SQLiteProjection(name: "stock", model: StockReadModel(), path: path)
    let started = Date()
    let applied = try await ProjectionRunner(store: store, projection: rebuilt, filter: .category(Product.category)).catchUp()
    let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
    print("  rebuilt it from \(applied) product events in \(milliseconds) ms\n")
    let after = try StockReadModel.rows(rebuilt.database)
    var table = TextTable([("Product", .left), ("On hand before", .right), ("After rebuild", .right), ("Folded aggregate", .right), ("Match", .left)])
    var allMatch = before.count == after.count
    for (index, row) in after.enumerated() {
        let folded = try await actions.products.load(id: row.product).state
        let old = index < before.count ? before[index] : nil
        let match = old == row && folded.onHand == row.onHand && folded.restocked == row.restocked && folded.sold == row.sold
        allMatch = allMatch && match
        table.add([row.product, old.map { "\($0.onHand)" } ?? "-", "\(row.onHand)", "\(folded.onHand)", match ? "yes" : "NO"])
    }
    print(table.render())
    let sum = { (rows: [StockReadModel.Row]) in rows.reduce(0) { $0 + $1.onHand } }
    print("\n  totals: before \(sum(before)), after rebuild \(sum(after)): " + (allMatch ? "they match." : "MISMATCH"))
    if !allMatch { throw ShopError.recoveryMismatch }
}

enum ShopError: Error { case recoveryMismatch }

do {
    try await runShop()
} catch {
    FileHandle.standardError.write(Data("annals-shop: \(error)\n".utf8))
    exit(1)
}
