import Annals
import AnnalsLog
import Foundation

/// Writes the shop's history: 30 backdated days on the first run, and a little new activity
/// (a restock, a few sales, payments and shipments) on every run.
struct ShopHistory {
    let actions: ShopActions

    /// One thing that happens at a time; the history is written in time order, since the log
    /// keeps timestamps non-decreasing.
    private enum Step {
        case restock(String, Int)
        case buy(order: String, customer: String, product: String, quantity: Int)
        case pay(String)
        case ship(String, String)
    }

    /// Seeds 30 days ending at `now`. Returns the number of orders placed.
    func seed(now: Date) async throws -> Int {
        var random = ShopRandom(state: 2024)
        let start = now.addingTimeInterval(-30 * 86_400)
        for product in Catalogue.products {
            try await actions.list(product.id, name: product.name, priceCents: product.priceCents, at: start)
            try await actions.restock(product.id, quantity: 40, at: start.addingTimeInterval(60))
        }
        var steps: [(Date, Step)] = []
        var orderNumber = 1000
        for day in 0..<30 {
            let morning = start.addingTimeInterval(Double(day) * 86_400 + 9 * 3600)
            for product in Catalogue.products where Int.random(in: 0..<4, using: &random) == 0 {
                steps.append((morning.addingTimeInterval(Double.random(in: 0..<1800, using: &random)), .restock(product.id, Int.random(in: 10...30, using: &random))))
            }
            for _ in 0..<Int.random(in: 2...5, using: &random) {
                orderNumber += 1
                let order = String(orderNumber)
                let placed = morning.addingTimeInterval(3600 + Double.random(in: 0..<(10 * 3600), using: &random))
                steps.append((placed, .buy(order: order, customer: Catalogue.customers.randomElement(using: &random)!,
                                           product: Catalogue.products.randomElement(using: &random)!.id, quantity: Int.random(in: 1...4, using: &random))))
                guard Int.random(in: 0..<10, using: &random) > 0 else { continue }
                steps.append((placed.addingTimeInterval(Double.random(in: 600...(3 * 3600), using: &random)), .pay(order)))
                guard Int.random(in: 0..<5, using: &random) > 0 else { continue }
                steps.append((placed.addingTimeInterval(86_400 + Double.random(in: 0..<(6 * 3600), using: &random)),
                              .ship(order, Catalogue.carriers.randomElement(using: &random)!)))
            }
        }
        var placed = 0
        for (time, step) in steps.sorted(by: { $0.0 < $1.0 }) where time < now {
            if try await run(step, at: time) { placed += 1 }
        }
        return placed
    }

    /// This run's new activity, timestamped now: a restock, three sales paid at once, and the
    /// shipment of every paid order from earlier runs. Returns the number of events written.
    func addActivity(run: Int) async throws -> Int {
        let before = (actions.store.lastPosition ?? .beforeFirst)
        var random = ShopRandom(state: UInt64(run) &* 7919)
        let shipping = try await paidOrders()
        let restocked = Catalogue.products.randomElement(using: &random)!.id
        try await actions.restock(restocked, quantity: Int.random(in: 5...20, using: &random), at: nil)
        var next = (try actions.orderIDs().compactMap(Int.init).max() ?? 1000) + 1
        for _ in 0..<3 {
            let order = String(next)
            next += 1
            let bought = try await actions.buy(order: order, customer: Catalogue.customers.randomElement(using: &random)!,
                                               product: Catalogue.products.randomElement(using: &random)!.id,
                                               quantity: Int.random(in: 1...3, using: &random), at: nil)
            if bought { try await actions.pay(order: order, at: nil) }
        }
        for order in shipping { try await actions.ship(order: order, carrier: Catalogue.carriers.randomElement(using: &random)!, at: nil) }
        return Int((actions.store.lastPosition ?? .beforeFirst).rawValue - before.rawValue)
    }

    private func paidOrders() async throws -> [String] {
        var paid: [String] = []
        for id in try actions.orderIDs() where try await actions.orders.load(id: id).state.status == .paid { paid.append(id) }
        return paid
    }

    /// True when the step placed an order.
    private func run(_ step: Step, at time: Date) async throws -> Bool {
        switch step {
        case .restock(let product, let quantity):
            try await actions.restock(product, quantity: quantity, at: time)
        case .buy(let order, let customer, let product, let quantity):
            return try await actions.buy(order: order, customer: customer, product: product, quantity: quantity, at: time)
        case .pay(let order):
            if try await actions.orders.load(id: order).version != nil { try await actions.pay(order: order, at: time) }
        case .ship(let order, let carrier):
            if try await actions.orders.load(id: order).version != nil { try await actions.ship(order: order, carrier: carrier, at: time) }
        }
        return false
    }
}
