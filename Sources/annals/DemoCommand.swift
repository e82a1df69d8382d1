import AnnalsLog
import ArgumentParser

/// `annals demo`: writes a few thousand order events into a store under the working directory,
/// reads them back, checks every byte, and prints what the store holds.
struct DemoCommand: ParsableCommand {
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

    func run() throws {
        let log: Log
        do { log = try Log.open(directory: dir) } catch { throw CLIError("cannot open \(dir): \(error)") }
        defer { try? log.close() }
        StandardIO.print("Annals demo: store \(dir)")
        if !log.recoveryReport.isClean { StandardIO.print("  recovery: \(log.recoveryReport)") }
        let generator = DemoEvents()
        let start = LogOptions.systemClock()
        var written: [LogEntry] = []
        var first: LogPosition?
        do {
            for offset in stride(from: 0, to: events, by: batch) {
                let entries = (offset..<min(offset + batch, events)).map(generator.entry)
                let range = try log.append(entries)
                first = first ?? range.lowerBound
                written += entries
            }
        } catch { throw CLIError("append failed: \(error)") }
        let writeSeconds = Double(LogOptions.systemClock() - start) / 1e9
        let readStart = LogOptions.systemClock()
        var mismatches = 0
        var index = 0
        try log.forEachRecord(from: first!, limit: written.count) { view in
            let entry = written[index]
            if Array(view.payloadBytes) != entry.payload || view.stream != entry.stream || view.eventID != entry.eventID {
                mismatches += 1
            }
            index += 1
            return true
        }
        let readSeconds = Double(LogOptions.systemClock() - readStart) / 1e9
        let stats = try log.stats()
        StandardIO.print("""
              wrote   \(written.count) events in batches of \(batch), durable (fdatasync per batch): \(Self.rate(written.count, writeSeconds))
              read    \(index) events back, \(mismatches) mismatches: \(Self.rate(index, readSeconds))
              store   \(stats.records) events in \(stats.segments.count) segment(s), positions \(stats.firstPosition.map(String.init(describing:)) ?? "-")...\(stats.lastPosition.map(String.init(describing:)) ?? "-"), \(ByteCount.text(stats.bytes)) of log, \(ByteCount.text(stats.indexBytes)) of index
            Run it again to add more; `annals read --dir \(dir) --limit 3` shows events, `annals verify --dir \(dir)` checks every byte.
            """)
        guard mismatches == 0, index == written.count else { throw CLIError("read-back mismatch: the demo found a bug") }
    }

    static func rate(_ count: Int, _ seconds: Double) -> String {
        let perSecond = seconds > 0 ? Double(count) / seconds : 0
        return "\(Int(seconds * 1000)) ms, \(Int(perSecond)) events/s"
    }
}

/// Order-lifecycle events shaped like the shared benchmark workload (about 300 bytes each).
struct DemoEvents {
    static let types = ["OrderCreated", "ItemAdded", "ItemAdded", "OrderPaid", "OrderShipped", "OrderDelivered"]

    func entry(_ number: Int) -> LogEntry {
        let order = number / Self.types.count
        let type = Self.types[number % Self.types.count]
        let payload = "{\"orderId\":\"order-\(order)\",\"sku\":\"SKU-\(String(number % 2000))\",\"quantity\":\(1 + number % 4),\"unitPrice\":\(Double(number % 25_000) / 100),\"note\":\"demo event \(number)\"}"
        let metadata = "{\"correlationId\":\"corr-\(order)\",\"source\":\"annals-demo\"}"
        return LogEntry(stream: "order-\(order)", eventType: type, streamVersion: UInt64(number % Self.types.count),
                        eventID: .uuidV7(), metadata: Array(metadata.utf8), payload: Array(payload.utf8))
    }
}
