import Annals
import Foundation

/// What happens in the shop, each action one aggregate command through a repository.
struct ShopActions {
    let store: EventStore
    let products: Repository<Product>
    let orders: Repository<Order>

    init(store: EventStore) {
        self.store = store
        products = Repository(store: store)
        orders = Repository(store: store)
    }

    func list(_ id: String, name: String, priceCents: Int, at time: Date?) async throws {
        try await products.execute(id: id, timestamp: time) { product in
            product.name.isEmpty ? [.listed(.init(name: name, priceCents: priceCents))] : []
        }
    }

    func restock(_ id: String, quantity: Int, at time: Date?) async throws {
        try await products.execute(id: id, timestamp: time) { _ in [.restocked(.init(quantity: quantity))] }
    }

    /// A customer buys: the product's stock is checked and reduced first (retried if another
    /// sale raced it), then the order is created. False when the shelf is short.
    func buy(order: String, customer: String, product: String, quantity: Int, at time: Date?) async throws -> Bool {
        var sold = false
        try await products.execute(id: product, timestamp: time) { state in
            sold = state.onHand >= quantity
            return sold ? [.sold(.init(quantity: quantity, order: order))] : []
        }
        guard sold else { return false }
        let amount = quantity * Catalogue.price(of: product)
        try await orders.save(id: order, events: [.created(.init(customer: customer, product: product, quantity: quantity, amountCents: amount))],
                              expectedVersion: .noStream, timestamp: time)
        return true
    }

    func pay(order: String, at time: Date?) async throws {
        try await orders.execute(id: order, timestamp: time) { state in
            state.status == .created ? [.paid(.init(amountCents: state.amountCents))] : []
        }
    }

    func ship(order: String, carrier: String, at time: Date?) async throws {
        try await orders.execute(id: order, timestamp: time) { state in
            state.status == .paid ? [.shipped(.init(carrier: carrier))] : []
        }
    }

    /// The ids of every order so far, in order.
    func orderIDs() throws -> [String] {
        try store.streams().filter { $0.stream.category == Order.category }
            .map { String($0.stream.rawValue.dropFirst(Order.category.count + 1)) }
            .sorted()
    }
}

/// A small deterministic random source (SplitMix64), so a seeded history is the same each time.
struct ShopRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
