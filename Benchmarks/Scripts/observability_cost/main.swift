// The hot paths that metrics and tracing touch, through the public API, with no metrics
// backend and no tracer bootstrapped: what issue 14 requires to stay within 2% of the code
// before them. Built twice by `observability_cost.sh` (against the base and against the
// current tree) and run alternately. Prints `name value` per measure, in events/s or reads/s.
//
// Arguments: EVENTS READS [PHASES]. PHASES (comma-separated, default all) picks what runs:
// append_1 (EVENTS single-event appends), append_100 (EVENTS events in batches of 100),
// read_stream_sync and read_stream_async (READS hot reads of random 10-event streams each),
// scan (every event, in pages). Without append_1 the streams are first filled with 10,000
// events in batches, untimed. Stream picks come from a fixed LCG, so a run under callgrind
// executes the same work every time.
import Annals
import Dispatch
import Foundation

let arguments = CommandLine.arguments
let events = arguments.count > 1 ? Int(arguments[1])! : 200_000
let streamReads = arguments.count > 2 ? Int(arguments[2])! : 200_000
let allPhases = ["append_1", "append_100", "read_stream_sync", "read_stream_async", "scan"]
let phases = Set(arguments.count > 3 ? arguments[3].split(separator: ",").map(String.init) : allPhases)
let fillEvents = 10_000

func seconds(_ start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

/// A fixed pseudo-random sequence (Knuth's MMIX LCG).
struct Picks {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

func measure() async throws -> [(String, Double)] {
    let directory = NSTemporaryDirectory() + "annals-obs-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try await EventStore.open(
        directory: directory, options: EventStoreOptions(log: LogOptions(durability: .none)))
    let payload = Array(repeating: UInt8(ascii: "x"), count: 300)
    var results: [(String, Double)] = []

    // Streams s-0 ... of 10 events each, interleaved along the log.
    let streamEvents = phases.contains("append_1") ? events : fillEvents
    let streams = streamEvents / 10
    var start = DispatchTime.now().uptimeNanoseconds
    if phases.contains("append_1") {
        // Single-event appends, one after another: the per-append overhead at its largest share.
        for index in 0..<events {
            try await store.append(to: StreamName("s-\(index % streams)"), [EventData(type: "T", data: payload)])
        }
        results.append(("append_1", Double(events) / seconds(start)))
    } else {
        for first in stride(from: 0, to: fillEvents, by: 100) {
            try await store.append((first..<(first + 100)).map {
                StreamAppend(stream: StreamName("s-\($0 % streams)"), events: [EventData(type: "T", data: payload)])
            })
        }
    }
    if phases.contains("append_100") {
        start = DispatchTime.now().uptimeNanoseconds
        for batch in 0..<(events / 100) {
            let list = (0..<100).map { _ in EventData(type: "T", data: payload) }
            try await store.append(to: StreamName("b-\(batch)"), list)
        }
        results.append(("append_100", Double(events) / seconds(start)))
    }

    // Hot reads of random 10-event streams, synchronous and async.
    var picks = Picks()
    let names = (0..<streams).map { StreamName("s-\($0)") }
    let reader = store.reader
    var touched = 0
    if phases.contains("read_stream_sync") {
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<streamReads { touched += try reader.read(stream: names[picks.next(streams)]).count }
        results.append(("read_stream_sync", Double(streamReads) / seconds(start)))
    }
    if phases.contains("read_stream_async") {
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<streamReads { touched += try await store.read(stream: names[picks.next(streams)]).count }
        results.append(("read_stream_async", Double(streamReads) / seconds(start)))
    }
    precondition(touched % 10 == 0 && touched / 10 <= 2 * streamReads, "every stream read found its 10 events")

    if phases.contains("scan") {
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
    }
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
