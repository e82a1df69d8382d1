import Annals
import AnnalsLog
import Foundation

/// The three measurements and their report section.
struct Measurements {
    struct Settings {
        var events: Int
        var seconds: Double
        var command: String
    }

    let settings: Settings
    let scratch = NSTemporaryDirectory() + "annals-readers-\(getpid())"

    func run() async throws -> String {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let open = try await openWhileWriting()
        let latency = try await deliveryLatency()
        let throughput = try await writerWithFollowers()
        let (p50, p99) = (percentile(latency, 0.5), percentile(latency, 0.99))
        return """
            ## Readers beside a writer (other processes)

            `\(settings.command)`. Each figure crosses real processes: the writer is a child process
            appending through `EventStore` (`.always`), the readers open the store with `mode: .readOnly`.

            | What | Measured | Target |
            |---|---|---|
            | Read-only `EventStore.open` of a \(settings.events.formatted())-event store while a writer appends (median / p90 of 20) | \(ms(open.median)) / \(ms(open.p90)) | ≤ 20 ms |
            | The same open, then a first read of one stream (it indexes the active segment: \(open.activeRecords.formatted()) records) | \(ms(open.firstReadMedian)) / \(ms(open.firstReadP90)) | — |
            | Append-to-delivery, writer process → following reader, 1,000 appends/s for \(Int(settings.seconds)) s (\(latency.count) events): p50 / p99 | \(ms(p50)) / \(ms(p99)) | p50 ≤ 2 ms, p99 ≤ 20 ms |
            | Writer throughput, durable batches of 100: alone / with 4 reader processes following (median of 3 runs each, interleaved) | \(throughput.alone.formatted()) / \(throughput.followed.formatted()) events/s (\(Int((Double(throughput.followed) / Double(throughput.alone) * 100).rounded()))%) | ≥ 90% of alone |

            """
    }

    // MARK: Open beside a writer

    private func openWhileWriting() async throws -> (median: Double, p90: Double, firstReadMedian: Double, firstReadP90: Double, activeRecords: Int) {
        let dir = scratch + "/open"
        let store = try await EventStore.open(directory: dir, options: EventStoreOptions(log: LogOptions(durability: .none)))
        let payload = Array(("{\"order\":1,\"pad\":\"" + String(repeating: "x", count: 230) + "\"}").utf8)
        var written = 0
        while written < settings.events {
            let count = min(1000, settings.events - written)
            try await store.append(to: StreamName("order-\(written / 1000 % 5000)"), (0..<count).map { _ in EventData(type: "Placed", data: payload) })
            written += count
        }
        try await store.close()
        let writer = try Child(["write-full", "--dir", dir, "--batch", "100", "--seconds", "\(settings.seconds + 5)"])
        try await Task.sleep(nanoseconds: 1_500_000_000)  // the writer has opened and is appending
        var samples: [Double] = [], firstReads: [Double] = []
        var activeRecords = 0
        for _ in 0..<20 {
            let start = Clock.uptimeNanoseconds()
            let reader = try await EventStore.open(directory: dir, mode: .readOnly)
            samples.append(Double(Clock.uptimeNanoseconds() - start) / 1e6)
            let events = try await reader.read(stream: "order-17", limit: 10)
            firstReads.append(Double(Clock.uptimeNanoseconds() - start) / 1e6)
            guard events.count == 10, let last = reader.lastPosition, last.rawValue >= UInt64(settings.events) else {
                throw BenchFailure("the reader saw \(events.count) events, last \(String(describing: reader.lastPosition))")
            }
            activeRecords = Int(last.rawValue) - Int(try reader.stats().segments.last!.firstPosition.rawValue) + 1
            try await reader.close()
        }
        _ = try writer.finish()
        samples.sort()
        firstReads.sort()
        return (samples[samples.count / 2], samples[samples.count * 9 / 10], firstReads[firstReads.count / 2], firstReads[firstReads.count * 9 / 10], activeRecords)
    }

    // MARK: Delivery latency

    private func deliveryLatency() async throws -> [Double] {
        let dir = scratch + "/latency"
        try await EventStore.open(directory: dir).close()
        let reader = try await EventStore.open(directory: dir, mode: .readOnly)
        let subscription = try reader.subscribe(from: .end)
        let expected = Int(settings.seconds * 1000)
        let collecting = Task { () throws -> [Double] in
            var latencies: [Double] = []
            for try await event in subscription {
                let received = Clock.wallNanoseconds()
                let sent = event.data.dropFirst(5).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                    .reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
                latencies.append(Double(received - sent) / 1e6)
                if latencies.count >= expected { break }
            }
            return latencies
        }
        let writer = try Child(["write-paced", "--dir", dir, "--rate", "1000", "--seconds", "\(settings.seconds)"])
        let appended = try writer.value("appended")
        let deadline = Task {
            try await Task.sleep(nanoseconds: 10_000_000_000)
            collecting.cancel()
        }
        var latencies = try await collecting.value
        deadline.cancel()
        try await reader.close()
        guard latencies.count >= appended * 9 / 10 else { throw BenchFailure("received \(latencies.count) of \(appended) events") }
        latencies.sort()
        return latencies
    }

    // MARK: Writer throughput with followers

    /// The writer's rate alone and with four followers, each the median of three runs of
    /// `seconds`, in the order alone, followed, followed, alone, alone, followed: fdatasync
    /// time on this VM drifts by tens of percent within a minute, and this order gives both
    /// sides the same share of the drift. Every run writes a fresh store, so neither side
    /// appends to a bigger store than the other.
    private func writerWithFollowers() async throws -> (alone: Int, followed: Int) {
        var alone: [Int] = [], followed: [Int] = []
        for (run, withFollowers) in [false, true, true, false, false, true].enumerated() {
            let dir = scratch + "/throughput-\(run)"
            try await EventStore.open(directory: dir).close()
            var followers: [Child] = []
            if withFollowers {
                followers = try (0..<4).map { _ in try Child(["follow", "--dir", dir, "--count", "100000000", "--seconds", "\(settings.seconds + 2)"]) }
                try await Task.sleep(nanoseconds: 500_000_000)  // the followers are open and polling
            }
            let rate = try Child(["write-full", "--dir", dir, "--batch", "100", "--seconds", "\(settings.seconds)"]).value("rate")
            for follower in followers { _ = try follower.finish() }
            if withFollowers { followed.append(rate) } else { alone.append(rate) }
            try? FileManager.default.removeItem(atPath: dir)
        }
        return (alone.sorted()[1], followed.sorted()[1])
    }

    private func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    private func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
}
