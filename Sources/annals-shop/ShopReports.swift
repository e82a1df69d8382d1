import Annals
import AnnalsSQLite
import Foundation
import GRDB

/// The five reports the demo prints.
struct ShopReports {
    let actions: ShopActions
    let now: Date

    static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

    static func time(_ date: Date) -> String { formatter.string(from: date) }
    static func money(_ cents: Int) -> String { String(format: "%d.%02d", cents / 100, cents % 100) }

    /// 1. Current stock, from the SQLite read model.
    func currentStock(_ rows: [StockReadModel.Row]) -> String {
        var table = TextTable([("Product", .left), ("Name", .left), ("On hand", .right), ("Restocked", .right), ("Sold", .right)])
        for row in rows { table.add([row.product, row.name, "\(row.onHand)", "\(row.restocked)", "\(row.sold)"]) }
        return table.render()
    }

    /// 2. Stock added in the last 7 days: the restock events since then, found through the
    /// store's time index. A table of current quantities cannot say this.
    func stockAddedLastWeek() async throws -> String {
        let since = now.addingTimeInterval(-7 * 86_400)
        var added: [String: (restocks: Int, units: Int)] = [:]
        if let start = try await actions.store.firstPosition(atOrAfter: since) {
            for event in try await actions.store.read(eventType: "ProductRestocked", fromPosition: start) {
                let product = String(event.stream.rawValue.dropFirst("product-".count))
                let quantity = try event.decode(ProductEvent.Restocked.self).quantity
                added[product, default: (0, 0)].restocks += 1
                added[product, default: (0, 0)].units += quantity
            }
        }
        var table = TextTable([("Product", .left), ("Restocks", .right), ("Units added", .right)])
        for product in Catalogue.products {
            let entry = added[product.id] ?? (0, 0)
            table.add([product.id, "\(entry.restocks)", "\(entry.units)"])
        }
        return "  since \(Self.time(since)) UTC\n\n" + table.render()
    }

    /// 3. One order as it was at each point of its life, through `load(id:asOf:)`.
    func orderThroughTime(_ id: String) async throws -> String {
        let events = try await actions.store.read(stream: Order.streamName(for: id))
        var table = TextTable([("As of (UTC)", .left), ("Version", .right), ("Status", .left), ("Customer", .left),
                               ("Product", .left), ("Qty", .right), ("Amount", .right), ("Carrier", .left)])
        var moments = events.map { ($0.date, "") }
        if let first = events.first { moments.insert((first.date.addingTimeInterval(-60), ""), at: 0) }
        for (date, _) in moments {
            let order = try await actions.orders.load(id: id, asOf: date)
            let state = order.state
            table.add([Self.time(date), order.version.map(String.init) ?? "-", state.status.rawValue, state.customer,
                       state.product, state.quantity == 0 ? "" : "\(state.quantity)",
                       state.amountCents == 0 ? "" : Self.money(state.amountCents), state.carrier ?? ""])
        }
        return "  order \(id)\n\n" + table.render()
    }

    /// 4. A product's audit trail: its events, newest last, with when they happened.
    func auditTrail(_ product: String, last count: Int) async throws -> String {
        let events = try await actions.store.read(stream: Product.streamName(for: product))
        var table = TextTable([("Time (UTC)", .left), ("Version", .right), ("Position", .right), ("Event", .left), ("Detail", .left)])
        for event in events.suffix(count) {
            let detail: String = switch try actions.products.codec.decode(event) {
            case .listed(let listed): "\(listed.name) at \(Self.money(listed.priceCents))"
            case .restocked(let restock): "+\(restock.quantity)"
            case .sold(let sale): "-\(sale.quantity) for order \(sale.order)"
            }
            table.add([Self.time(event.date), "\(event.version)", "\(event.position)", event.type, detail])
        }
        let hidden = events.count - min(count, events.count)
        let note = hidden > 0 ? "  (\(hidden) earlier events not shown)\n\n" : ""
        return "  product-\(product)\n\n" + note + table.render()
    }
}
