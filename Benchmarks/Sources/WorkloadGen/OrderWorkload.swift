/// The benchmark workload: orders going through a plausible lifecycle (created, items added and
/// removed, paid, shipped, delivered or cancelled), one stream per order, about 8 events a
/// stream and about 300 bytes a JSON line. A window of 500 open orders is drawn from at random,
/// so the events of different orders interleave in time. Deterministic from the seed.
///
/// The distribution follows the team's original Python generator (`gen_events.py`) draw for
/// draw in kind and range; the random source differs, so the bytes do not.
struct OrderWorkload {
    /// One generated event: the four fields every peer stores.
    struct Event {
        var stream: String
        var type: String
        /// The `data` object as compact JSON.
        var data: String
        /// The `metadata` object as compact JSON.
        var metadata: String

        /// The event as one JSON line (without the newline), keys in the order
        /// stream, type, data, metadata.
        var jsonLine: String {
            "{\"stream\":\"\(stream)\",\"type\":\"\(type)\",\"data\":\(data),\"metadata\":\(metadata)}"
        }

        /// The event as one TAB-separated line (without the newline): stream, type, data, metadata.
        var tsvLine: String { "\(stream)\t\(type)\t\(data)\t\(metadata)" }
    }

    /// Orders open at once: the interleaving window.
    static let openOrdersMax = 500

    private struct OpenOrder {
        var stream: String
        var customer: String
        var steps: [String]
        var stepIndex = 0
        var correlationId: String
    }

    private var random: Xoshiro256
    private let events: Int
    private let streams: Int
    private var open: [OpenOrder] = []
    private var nextOrder = 0
    private var written = 0
    private var clockMilliseconds = Timestamp.workloadStartMilliseconds

    /// `streams` 0 means events / 6 (orders run about 8 events, and some are cut off at the end).
    init(events: Int, streams: Int = 0, seed: UInt64) {
        precondition(events >= 0 && streams >= 0, "counts are not negative")
        self.events = events
        self.streams = streams > 0 ? streams : max(1, events / 6)
        random = Xoshiro256(seed: seed)
    }

    /// The next event, or nil after `events` (or when every order has finished).
    mutating func next() -> Event? {
        guard written < events else { return nil }
        while open.count < Self.openOrdersMax, nextOrder < streams {
            let customer = "cust-\(Int.random(in: 1...max(1, streams / 3), using: &random))"
            open.append(OpenOrder(stream: "order-\(nextOrder)", customer: customer, steps: lifecycle(), correlationId: random.uuidText()))
            nextOrder += 1
        }
        guard !open.isEmpty else { return nil }
        let index = Int.random(in: 0..<open.count, using: &random)
        let order = open[index]
        let kind = order.steps[order.stepIndex]
        clockMilliseconds += Int64.random(in: 1...900, using: &random)
        let data = payload(kind, order: order.stream, customer: order.customer)
        let metadata = "{\"correlationId\":\"\(order.correlationId)\",\"causationId\":\"\(random.uuidText())\","
            + "\"timestamp\":\"\(Timestamp.iso(milliseconds: clockMilliseconds))\"}"
        open[index].stepIndex += 1
        if open[index].stepIndex == order.steps.count {
            open.swapAt(index, open.count - 1)
            open.removeLast()
        }
        written += 1
        return Event(stream: order.stream, type: kind, data: data, metadata: metadata)
    }

    /// An order's event types: created, 1–6 items, 20% an item removed, then 10% cancelled,
    /// else paid and shipped, and 90% of those delivered.
    private mutating func lifecycle() -> [String] {
        var steps = ["OrderCreated"] + Array(repeating: "ItemAdded", count: Int.random(in: 1...6, using: &random))
        if random.chance(0.2) { steps.append("ItemRemoved") }
        if random.chance(0.1) { return steps + ["OrderCancelled"] }
        steps += ["OrderPaid", "OrderShipped"]
        if random.chance(0.9) { steps.append("OrderDelivered") }
        return steps
    }

    private mutating func pick(_ choices: [String]) -> String { choices.randomElement(using: &random)! }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// A price-like number rounded to cents, written as Python writes a float (`12.5`, `100.0`).
    private mutating func amount(_ low: Double, _ high: Double) -> String {
        let cents = (Double.random(in: low...high, using: &random) * 100).rounded() / 100
        return "\(cents)"
    }

    private mutating func payload(_ kind: String, order: String, customer: String) -> String {
        let head = "{\"orderId\":\"\(order)\","
        switch kind {
        case "OrderCreated":
            let channel = pick(["web", "app", "store"])
            let street = "\(int(1...300)) \(pick(["Main", "High", "Park", "Mill"])) St"
            let city = pick(["Paris", "Berlin", "Lyon", "Madrid", "Porto", "Oslo", "Turin", "Ghent", "Leeds", "Cork"])
            return head + "\"customerId\":\"\(customer)\",\"currency\":\"EUR\",\"channel\":\"\(channel)\","
                + "\"shippingAddress\":{\"street\":\"\(street)\",\"city\":\"\(city)\",\"zip\":\"\(int(10000...99999))\"}}"
        case "ItemAdded", "ItemRemoved":
            let sku = int(1...2000)
            let skuText = String(repeating: "0", count: 5 - String(sku).count) + String(sku)
            let quantity = int(1...4)
            let price = amount(1, 250)
            return head + "\"sku\":\"SKU-\(skuText)\",\"quantity\":\(quantity),\"unitPrice\":\(price),"
                + "\"name\":\"\(pick(["socks", "shirt", "mug", "lamp", "book", "cable"]))\"}"
        case "OrderPaid":
            let total = amount(5, 900)
            let method = pick(["card", "paypal", "transfer"])
            return head + "\"amount\":\(total),\"method\":\"\(method)\",\"paymentId\":\"\(random.uuidText())\"}"
        case "OrderShipped":
            let carrier = pick(["DHL", "UPS", "GLS", "Colissimo"])
            let tracking = Hex.fixedUpper(random.next() >> 16, width: 12)
            return head + "\"carrier\":\"\(carrier)\",\"trackingNumber\":\"TRK\(tracking)\"}"
        case "OrderDelivered":
            return head + "\"signedBy\":\"\(pick(["front desk", "customer", "neighbour"]))\"}"
        default:
            precondition(kind == "OrderCancelled", "a lifecycle step has a payload")
            return head + "\"reason\":\"\(pick(["customer request", "payment failed", "out of stock"]))\"}"
        }
    }
}
