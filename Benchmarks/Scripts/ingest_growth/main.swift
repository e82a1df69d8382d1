import Annals
import Dispatch
import Foundation

// IngestGrowth N: appends N events in 1,000-event batches over 100,000 streams (.none), as the
// ingest-growth benchmark does.
let count = Int(CommandLine.arguments[1])!
let dir = NSTemporaryDirectory() + "annals-grow-\(getpid())"
let done = DispatchSemaphore(value: 0)
Task.detached {
    do {
        let store = try await EventStore.open(directory: dir, options: EventStoreOptions(log: LogOptions(durability: .none)))
        let payload = Array(repeating: UInt8(ascii: "x"), count: 250)
        var state: UInt64 = 1
        for _ in stride(from: 0, to: count, by: 1000) {
            let batch = (0..<1000).map { _ -> StreamAppend in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return StreamAppend(stream: StreamName("s-\((state >> 33) % 100_000)"), events: [EventData(type: "T", data: payload)])
            }
            try await store.append(batch)
        }
        try await store.close()
    } catch { print("error", error) }
    try? FileManager.default.removeItem(atPath: dir)
    done.signal()
}
done.wait()
