import AnnalsLog
import Foundation

/// One event of the workload (`WorkloadGen`), as every peer receives it.
struct WorkloadEvent: Sendable {
    var stream: String
    var eventType: String
    /// The event's `data` object as compact JSON bytes.
    var data: [UInt8]
    /// The event's `metadata` object as compact JSON bytes.
    var metadata: [UInt8]
    /// 1, 2, 3... within the stream, in workload order.
    var version: UInt64
}

/// The workload loaded into memory: events in order plus where each stream's events are.
struct Workload: Sendable {
    var events: [WorkloadEvent]
    /// Size of the JSONL file the events came from, for footprint ratios.
    var jsonlBytes: Int
    /// For each stream, the indexes of its events in `events`, in version order.
    var streams: [String: [Int]]

    /// Mean bytes of one input JSON line: the unit of every MB/s figure.
    var meanEventBytes: Double { Double(jsonlBytes) / Double(events.count) }

    /// Loads the TAB-separated form written by `WorkloadGen --tsv`.
    static func load(tsvPath: String, jsonlPath: String) throws -> Workload {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: tsvPath)))
        let jsonlSize = try FileManager.default.attributesOfItem(atPath: jsonlPath)[.size] as? Int ?? 0
        var events: [WorkloadEvent] = []
        var streams: [String: [Int]] = [:]
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let fields = bytes[lineStart..<lineEnd].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard fields.count == 4 else { throw BenchError("line \(events.count + 1) of \(tsvPath) has \(fields.count) fields, not 4") }
            let stream = String(decoding: fields[0], as: UTF8.self)
            var positions = streams[stream, default: []]
            positions.append(events.count)
            streams[stream] = positions
            events.append(WorkloadEvent(
                stream: stream, eventType: String(decoding: fields[1], as: UTF8.self),
                data: Array(fields[2]), metadata: Array(fields[3]), version: UInt64(positions.count)))
            lineStart = lineEnd + 1
        }
        guard !events.isEmpty else { throw BenchError("\(tsvPath) holds no events") }
        return Workload(events: events, jsonlBytes: jsonlSize, streams: streams)
    }

    /// The events as log entries: data is the payload, metadata the metadata.
    func logEntries() -> [LogEntry] {
        events.map { event in
            LogEntry(stream: event.stream, eventType: event.eventType, streamVersion: event.version,
                     metadata: event.metadata, payload: event.data)
        }
    }

    /// `count` stream names drawn with a fixed seed, so every peer reads the same streams.
    func sampleStreams(_ count: Int, seed: UInt64) -> [String] {
        let names = streams.keys.sorted()
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in names[Int(random.next() % UInt64(names.count))] }
    }
}

/// A small seeded generator (SplitMix64): the same sample on every run and every peer.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A failure of the harness itself (bad input, a peer that would not start).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
