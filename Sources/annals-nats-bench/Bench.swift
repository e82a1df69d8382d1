import Annals
import AnnalsLog
import AnnalsNATS
import AnnalsTestSupport
import Dispatch
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `annals-nats-bench [--events N] [--seconds S] [--sync-appends N]`: starts a 3-node JetStream
/// cluster on 127.0.0.1 and measures, beside the raw limit of the same client:
/// replication throughput, replication lag at a steady 10k events/s, and synchronous append
/// latency. Prints a Markdown table (docs/SCALEOUT.md, "Benchmark").
@main
struct Bench {
    static let payloadBytes = 300

    static func main() async {
        do { try await run(arguments: Array(CommandLine.arguments.dropFirst())) } catch {
            FileHandleOut.error("annals-nats-bench: \(error)")
            exit(1)
        }
    }

    static func option(_ name: String, in arguments: [String], default value: Int) throws -> Int {
        guard let index = arguments.firstIndex(of: name) else { return value }
        guard index + 1 < arguments.count, let parsed = Int(arguments[index + 1]), parsed > 0 else { throw BenchError("\(name) needs a positive number") }
        return parsed
    }

    static func run(arguments: [String]) async throws {
        let events = try option("--events", in: arguments, default: 100_000)
        let seconds = try option("--seconds", in: arguments, default: 5)
        let syncAppends = try option("--sync-appends", in: arguments, default: 1000)
        let cluster = try NATSCluster(nodes: 3)
        defer { cluster.stop() }
        var logger = Logger(label: "annals.nats.bench")
        logger.logLevel = .error

        let raw = try RawJetStream(urls: cluster.urls)
        defer { raw.close() }
        try raw.createStream("RAW", subject: "raw.>")
        let rawRate = try raw.asyncRate(subject: "raw.x", count: events, payloadBytes: payloadBytes)
        let rawSync = try raw.syncLatencies(subject: "raw.y", count: syncAppends, payloadBytes: payloadBytes)

        let throughput = try await replicationThroughput(cluster, events: events, logger: logger)
        let lag = try await steadyLag(cluster, seconds: seconds, ratePerSecond: 10_000, logger: logger)
        let sync = try await synchronousLatencies(cluster, count: syncAppends, logger: logger)

        func ms(_ ns: UInt64) -> String { String(format: "%.2f ms", Double(ns) / 1e6) }
        print("| What | Annals | Raw JetStream, same client | Ratio |")
        print("|---|---|---|---|")
        print("| Replication throughput (\(events) events, \(payloadBytes) B) | \(Int(throughput)) events/s | \(Int(rawRate)) msgs/s async | \(String(format: "%.0f%%", 100 * throughput / rawRate)) |")
        print("| Replication lag at 10k events/s for \(seconds) s, p50 / p99 | \(ms(percentile(lag, 0.5))) / \(ms(percentile(lag, 0.99))) | — | — |")
        print("| Synchronous append latency (\(syncAppends) appends), p50 / p99 | \(ms(percentile(sync, 0.5))) / \(ms(percentile(sync, 0.99))) | \(ms(percentile(rawSync, 0.5))) / \(ms(percentile(rawSync, 0.99))) sync publish | — |")
    }

    static func event(_ index: Int) -> StreamAppend {
        let data = Array(#"{"i":\#(index),"pad":"\#(String(repeating: "x", count: payloadBytes - 20))"}"#.utf8)
        return StreamAppend(stream: "order-\(index % 1000)", events: [EventData(type: "OrderPlaced", data: data)])
    }

    /// Events per second for a catch-up of `events` events already in the store.
    static func replicationThroughput(_ cluster: NATSCluster, events: Int, logger: Logger) async throws -> Double {
        let store = try await EventStore.open(directory: cluster.directory.file("throughput"), options: EventStoreOptions(log: LogOptions(durability: .none)))
        var index = 0
        while index < events {
            let end = min(index + 1000, events)
            try await store.append((index..<end).map(event))
            index = end
        }
        let replicator = Replicator(store: store, configuration: ReplicationConfiguration(servers: cluster.urls, streamName: "THROUGHPUT"), logger: logger)
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try await replicator.catchUp()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try await store.close()
        guard summary.replicated == UInt64(events) else { throw BenchError("replicated \(summary.replicated) of \(events)") }
        return Double(events) / elapsed
    }

    /// Lags (commit to cluster acknowledgement, ns) while appending 10 events every ms.
    static func steadyLag(_ cluster: NATSCluster, seconds: Int, ratePerSecond: Int, logger: Logger) async throws -> [UInt64] {
        let lags = Guarded<[UInt64]>([])
        var configuration = ReplicationConfiguration(servers: cluster.urls, streamName: "LAG")
        configuration.onAcknowledged = { acknowledged in
            let now = LogOptions.systemClock()
            lags.withLock { $0.append(UInt64(max(0, now - acknowledged.timestampNanoseconds))) }
        }
        let store = try await EventStore.open(directory: cluster.directory.file("lag"))
        let replicated = try await ReplicatedEventStore.start(store: store, configuration: configuration, policy: .asynchronous, logger: logger)
        let batch = 10, total = seconds * ratePerSecond
        let start = DispatchTime.now().uptimeNanoseconds
        var sent = 0
        while sent < total {
            let due = start + UInt64(sent) * 1_000_000_000 / UInt64(ratePerSecond)
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { try await Task.sleep(nanoseconds: due - now) }
            try await replicated.append((sent..<(sent + batch)).map(event))
            sent += batch
        }
        try await replicated.replicator.waitUntilAcknowledged(LogPosition(UInt64(total)), timeout: .seconds(60))
        try await replicated.stop()
        try await store.close()
        return lags.withLock { $0 }
    }

    /// Latencies (ns) of single-event synchronous appends, one after another.
    static func synchronousLatencies(_ cluster: NATSCluster, count: Int, logger: Logger) async throws -> [UInt64] {
        let store = try await EventStore.open(directory: cluster.directory.file("sync"))
        let replicated = try await ReplicatedEventStore.start(
            store: store, configuration: ReplicationConfiguration(servers: cluster.urls, streamName: "SYNC"),
            policy: .synchronous(timeout: .seconds(10)), logger: logger)
        var latencies: [UInt64] = []
        for index in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            try await replicated.append([event(index)])
            latencies.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        try await replicated.stop()
        try await store.close()
        return latencies
    }
}

enum FileHandleOut {
    static func error(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
