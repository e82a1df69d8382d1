// The hot paths that metrics and tracing touch, through the public API, with no metrics
// backend and no tracer bootstrapped: what issue 14 requires to stay within 2% of the code
// before them. Built twice by `observability_cost.sh` (against the base and against the
// current tree) and run alternately. Prints one line: `name value` per measure, in events/s
// or reads/s. Arguments: EVENTS STREAM_READS.
import Annals
import Dispatch
import Foundation

let events = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 200_000
let streamReads = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 200_000

func seconds(_ start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

func measure() async throws -> [(String, Double)] {
    let directory = NSTemporaryDirectory() + "annals-obs-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try await EventStore.open(
        directory: directory, options: EventStoreOptions(log: LogOptions(durability: .none)))
    let payload = Array(repeating: UInt8(ascii: "x"), count: 300)
    let streams = events / 10
    var results: [(String, Double)] = []

    // Single-event appends, one after another: the per-append overhead at its largest share.
    var start = DispatchTime.now().uptimeNanoseconds
    for index in 0..<events {
        try await store.append(to: StreamName("s-\(index % streams)"), [EventData(type: "T", data: payload)])
    }
    results.append(("append_1", Double(events) / seconds(start)))

    // Batches of 100.
    start = DispatchTime.now().uptimeNanoseconds
    for batch in 0..<(events / 100) {
        let list = (0..<100).map { _ in EventData(type: "T", data: payload) }
        try await store.append(to: StreamName("b-\(batch)"), list)
    }
    results.append(("append_100", Double(events) / seconds(start)))

    // Hot reads of random 10-event streams, synchronous and async.
    var generator = SystemRandomNumberGenerator()
    let names = (0..<streams).map { StreamName("s-\($0)") }
    let reader = store.reader
    var touched = 0
    start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<streamReads { touched += try reader.read(stream: names[Int(generator.next() % UInt64(streams))]).count }
    results.append(("read_stream_sync", Double(streamReads) / seconds(start)))
    start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<streamReads { touched += try await store.read(stream: names[Int(generator.next() % UInt64(streams))]).count }
    results.append(("read_stream_async", Double(streamReads) / seconds(start)))

    // A full scan, in pages of 4096.
    start = DispatchTime.now().uptimeNanoseconds
    var position = LogPosition.first
    var scanned = 0
    while true {
        let page = try reader.readAll(from: position, limit: 4096)
        guard let last = page.last else { break }
        scanned += page.count
        position = last.position.advanced(by: 1)
    }
    results.append(("scan", Double(scanned) / seconds(start)))
    precondition(touched == 2 * streamReads * 10 && scanned == 2 * events, "every read found its events")
    try await store.close()
    return results
}

let done = DispatchSemaphore(value: 0)
Task.detached {
    do {
        for (name, value) in try await measure() { print(name, Int(value)) }
    } catch {
        print("error", error)
    }
    done.signal()
}
done.wait()
