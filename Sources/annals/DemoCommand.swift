import Annals
import AnnalsLog
import ArgumentParser

/// `annals demo`: writes a few thousand order events into a store under the working directory
/// through the event store, reads them back, checks every byte, and prints what the store holds.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write a few thousand events into a demo store, read them back, and print stats.")

    @Option(name: .long, help: "The demo store directory.")
    var dir = "annals-data"

    @Option(name: .long, help: "How many events to write.")
    var events = 5_000

    @Option(name: .long, help: "Events per atomic batch.")
    var batch = 100

    func validate() throws {
        guard events > 0, events <= 10_000_000 else { throw ValidationError("--events must be 1...10000000") }
        guard batch > 0, batch <= 10_000 else { throw ValidationError("--batch must be 1...10000") }
    }

    func run() async throws {
        let store = try await StoreAccess.open(dir)
        try await StoreAccess.using(store) { store in
            StandardIO.print("Annals demo: store \(dir)")
            if !store.openReport.log.isClean { StandardIO.print("  recovery: \(store.openReport.log)") }
            // New order numbers on every run, so a rerun adds orders instead of extending old ones.
            let generator = DemoEvents(firstOrder: try store.streams().count)
            let start = LogOptions.systemClock()
            let (written, first) = try await write(generator, into: store)
            let writeSeconds = Double(LogOptions.systemClock() - start) / 1e9
            let readStart = LogOptions.systemClock()
            let (read, mismatches) = try await readBack(written, from: first, in: store)
            let readSeconds = Double(LogOptions.systemClock() - readStart) / 1e9
            let stats = try store.stats()
            StandardIO.print("""
                  wrote   \(written.count) events in batches of \(batch), durable (fdatasync per batch): \(Self.rate(written.count, writeSeconds))
                  read    \(read) events back, \(mismatches) mismatches: \(Self.rate(read, readSeconds))
                  store   \(stats.records) records in \(stats.segments.count) segment(s), \(try store.streams().count) streams, positions \(stats.firstPosition.map(String.init(describing:)) ?? "-")...\(stats.lastPosition.map(String.init(describing:)) ?? "-"), \(ByteCount.text(stats.bytes)) of log, \(ByteCount.text(stats.indexBytes)) of index
                Run it again to add more; `annals read --dir \(dir) --limit 3` shows events, `annals streams --dir \(dir)` lists streams, `annals verify --dir \(dir)` checks every byte.
                """)
            guard mismatches == 0, read == written.count else { throw CLIError("read-back mismatch: the demo found a bug") }
        }
    }

    /// Appends the events in multi-stream batches; returns them in log order and the first position.
    private func write(_ generator: DemoEvents, into store: EventStore) async throws -> ([(StreamName, EventData)], LogPosition) {
        var written: [(StreamName, EventData)] = []
        var first: LogPosition?
        do {
            for offset in stride(from: 0, to: events, by: batch) {
                let batchEvents = (offset..<min(offset + batch, events)).map { number in
                    let (stream, event) = generator.event(number)
                    return StreamEvent(stream: stream, event: event)
                }
                let result = try await store.append(batchEvents)
                first = first ?? result.positions.lowerBound
                written += batchEvents.map { ($0.stream, $0.event) }
            }
        } catch { throw CLIError("append failed: \(error)") }
        return (written, first!)
    }

    /// Reads everything from `first` on and compares it with what was written.
    private func readBack(_ written: [(StreamName, EventData)], from first: LogPosition, in store: EventStore) async throws -> (Int, Int) {
        var mismatches = 0
        var index = 0
        var cursor = first
        while index < written.count {
            let page = try await store.readAll(fromPosition: cursor, limit: 1024)
            guard let last = page.last else { break }
            for event in page where index < written.count {
                let (stream, sent) = written[index]
                if event.stream != stream || event.id != sent.id || event.data != sent.data || event.metadata != sent.metadata {
                    mismatches += 1
                }
                index += 1
            }
            cursor = last.position.advanced(by: 1)
        }
        return (index, mismatches)
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let perSecond = seconds > 0 ? Double(count) / seconds : 0
        return "\(Int(seconds * 1000)) ms, \(Int(perSecond)) events/s"
    }
}

/// Order-lifecycle events shaped like the shared benchmark workload (about 300 bytes each):
/// six events per order, each order its own stream.
struct DemoEvents {
    static let types = ["OrderCreated", "ItemAdded", "ItemAdded", "OrderPaid", "OrderShipped", "OrderDelivered"]

    /// The number of the first order this run writes.
    var firstOrder: Int

    func event(_ number: Int) -> (StreamName, EventData) {
        let order = firstOrder + number / Self.types.count
        let type = Self.types[number % Self.types.count]
        let payload = "{\"orderId\":\"order-\(order)\",\"sku\":\"SKU-\(String(number % 2000))\",\"quantity\":\(1 + number % 4),\"unitPrice\":\(Double(number % 25_000) / 100),\"note\":\"demo event \(number)\"}"
        let metadata = "{\"correlationId\":\"corr-\(order)\",\"source\":\"annals-demo\"}"
        return (StreamName("order-\(order)"), EventData(type: type, data: Array(payload.utf8), metadata: Array(metadata.utf8)))
    }
}
