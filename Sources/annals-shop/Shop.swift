import Annals

/// A product on the shelf: listed once, restocked by the owner, sold to customers.
struct Product: Aggregate {
    static let category = "product"
    /// Products see many events; a snapshot every 25 keeps loads short.
    static let snapshotInterval: Int? = 25

    var name = ""
    var onHand = 0
    var restocked = 0
    var sold = 0

    mutating func apply(_ event: ProductEvent) {
        switch event {
        case .listed(let listed): name = listed.name
        case .restocked(let restock):
            onHand += restock.quantity
            restocked += restock.quantity
        case .sold(let sale):
            onHand -= sale.quantity
            sold += sale.quantity
        }
    }
}

enum ProductEvent: AggregateEvent {
    case listed(Listed)
    case restocked(Restocked)
    case sold(Sold)

    struct Listed: Codable, Sendable { var name: String; var priceCents: Int }
    struct Restocked: Codable, Sendable { var quantity: Int }
    struct Sold: Codable, Sendable { var quantity: Int; var order: String }

    var eventType: String {
        switch self {
        case .listed: "ProductListed"
        case .restocked: "ProductRestocked"
        case .sold: "ProductSold"
        }
    }

    var payload: any Encodable & Sendable {
        switch self {
        case .listed(let event): event
        case .restocked(let event): event
        case .sold(let event): event
        }
    }

    static func decode(eventType: String, payload: EventPayload) throws -> ProductEvent {
        switch eventType {
        case "ProductListed": .listed(try payload.decode())
        case "ProductRestocked": .restocked(try payload.decode())
        case "ProductSold": .sold(try payload.decode())
        default: throw payload.unknownType()
        }
    }
}

/// A customer's order: created, then paid, then shipped.
struct Order: Aggregate {
    static let category = "order"

    enum Status: String, Codable, Sendable { case none, created, paid, shipped }

    var status = Status.none
    var customer = ""
    var product = ""
    var quantity = 0
    var amountCents = 0
    var carrier: String?

    mutating func apply(_ event: OrderEvent) {
        switch event {
        case .created(let created):
            status = .created
            customer = created.customer
            product = created.product
            quantity = created.quantity
            amountCents = created.amountCents
        case .paid: status = .paid
        case .shipped(let shipped):
            status = .shipped
            carrier = shipped.carrier
        }
    }
}

enum OrderEvent: AggregateEvent {
    case created(Created)
    case paid(Paid)
    case shipped(Shipped)

    struct Created: Codable, Sendable { var customer: String; var product: String; var quantity: Int; var amountCents: Int }
    struct Paid: Codable, Sendable { var amountCents: Int }
    struct Shipped: Codable, Sendable { var carrier: String }

    var eventType: String {
        switch self {
        case .created: "OrderCreated"
        case .paid: "OrderPaid"
        case .shipped: "OrderShipped"
        }
    }

    var payload: any Encodable & Sendable {
        switch self {
        case .created(let event): event
        case .paid(let event): event
        case .shipped(let event): event
        }
    }

    static func decode(eventType: String, payload: EventPayload) throws -> OrderEvent {
        switch eventType {
        case "OrderCreated": .created(try payload.decode())
        case "OrderPaid": .paid(try payload.decode())
        case "OrderShipped": .shipped(try payload.decode())
        default: throw payload.unknownType()
        }
    }
}

/// The shop's catalogue: ids, names and prices.
enum Catalogue {
    static let products: [(id: String, name: String, priceCents: Int)] = [
        ("apples", "Apples (kg)", 320),
        ("bread", "Sourdough loaf", 450),
        ("cheese", "Comté 200 g", 690),
        ("coffee", "Coffee beans 1 kg", 2_400),
        ("tea", "Green tea 100 g", 850),
    ]
    static let customers = ["Ada", "Grace", "Edsger", "Barbara", "Ken", "Leslie", "Margaret", "Niklaus"]
    static let carriers = ["PostNord", "DHL", "Bring"]

    static func price(of id: String) -> Int { products.first { $0.id == id }?.priceCents ?? 0 }
    static func name(of id: String) -> String { products.first { $0.id == id }?.name ?? id }
}
