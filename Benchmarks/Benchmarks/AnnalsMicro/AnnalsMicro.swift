import AnnalsLog
import Benchmark
import Foundation

// Micro-benchmarks of the storage core, through its public API. RecordCodec is internal, so a
// record's encode cost is measured as a single-entry `append` under `.none` (encode, one
// pwrite, no sync) and its decode cost as `forEachRecord` over 300-byte records (CRC check
// plus header decode). ARC metrics are off: they crash with this toolchain.

let microMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

/// A ~300-byte record: 64-byte header, stream and type names, metadata and a JSON payload.
func sampleEntry(_ index: Int) -> LogEntry {
    let payload = Array(#"{"orderId":"order-\#(index % 1000)","sku":"SKU-1234","quantity":2,"unitPrice":{"amount":1999,"currency":"EUR"},"note":"x"}"#.utf8)
    let metadata = Array(#"{"correlationId":"ff11dc91-b6a3-4e92-bc2e-9ff5a72f6600","causationId":"7a2b1194-0dcd"}"#.utf8)
    return LogEntry(stream: "order-\(index % 1000)", eventType: "ItemAdded", streamVersion: UInt64(index / 1000 + 1),
                    metadata: metadata, payload: payload)
}

/// A store in a temporary directory, removed at teardown.
final class MicroStore: @unchecked Sendable {
    let directory: String
    let log: Log
    let count: Int

    init(prefill count: Int, durability: Durability) throws {
        directory = NSTemporaryDirectory() + "annals-micro-\(UUID().uuidString)"
        log = try Log.open(directory: directory, options: LogOptions(durability: durability))
        self.count = count
        let entries = (0..<count).map(sampleEntry)
        for start in stride(from: 0, to: count, by: 1000) {
            try log.append(Array(entries[start..<min(start + 1000, count)]))
        }
    }

    func remove() {
        try? log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

nonisolated(unsafe) var openStores: [MicroStore] = []

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: microMetrics, warmupIterations: 3, maxDuration: .seconds(2), maxIterations: 1_000)

    Benchmark("Append one 300 B record, .none (encode + pwrite)",
              configuration: .init(metrics: microMetrics, scalingFactor: .kilo)) { (benchmark: Benchmark, store: MicroStore) in
        let entry = [sampleEntry(7)]
        for _ in benchmark.scaledIterations { blackHole(try? store.log.append(entry)) }
    } setup: {
        let store = try MicroStore(prefill: 0, durability: .none)
        openStores.append(store)
        return store
    } teardown: {
        openStores.forEach { $0.remove() }
        openStores.removeAll()
    }

    Benchmark("Decode 1000 records of 300 B (forEachRecord)") { (benchmark: Benchmark, store: MicroStore) in
        for _ in benchmark.scaledIterations {
            var bytes = 0
            _ = try? store.log.forEachRecord(from: .first, limit: 1000) { view in
                bytes &+= view.payloadBytes.count
                return true
            }
            blackHole(bytes)
        }
    } setup: {
        let store = try MicroStore(prefill: 1000, durability: .none)
        openStores.append(store)
        return store
    } teardown: {
        openStores.forEach { $0.remove() }
        openStores.removeAll()
    }

    Benchmark("CRC32C of 4 KiB", configuration: .init(metrics: microMetrics, scalingFactor: .kilo)) { benchmark in
        let block = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        block.withUnsafeBytes { raw in
            for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(raw)) }
        }
    }

    Benchmark("Random record(at:) on a warm store of 100k records",
              configuration: .init(metrics: microMetrics, scalingFactor: .kilo)) { (benchmark: Benchmark, store: MicroStore) in
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        for _ in benchmark.scaledIterations {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let position = LogPosition((random >> 33) % UInt64(store.count) + 1)
            blackHole(try? store.log.record(at: position))
        }
    } setup: {
        let store = try MicroStore(prefill: 100_000, durability: .none)
        openStores.append(store)
        return store
    } teardown: {
        openStores.forEach { $0.remove() }
        openStores.removeAll()
    }
}
