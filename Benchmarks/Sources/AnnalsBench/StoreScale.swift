import Annals
import AnnalsLog

/// A store much larger than the workload, built through `EventStore` under `.none` in 1000-event
/// batches: ten times the workload's events (full: 10M), ten events a stream (full: 1M
/// streams), streams opened steadily as orders are. It gives three rows: the ingest cost per
/// event part after part, `EventStore.open` with that many streams, and the resident memory of
/// an open store after random stream reads.
struct StoreScale {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    static let eventsPerStream = 10
    static func streamName(_ index: Int) -> String { "acct-\(index)" }

    var totalEvents: Int { workload.events.count * 10 }
    /// Full: the 500k-event parts; otherwise four parts of the scaled-down store.
    var partEvents: Int { settings.size == "full" ? 500_000 : (totalEvents / 4 + 999) / 1000 * 1000 }
    var streams: Int { totalEvents / Self.eventsPerStream }
    var reads: Int { min(100_000, streams) }

    mutating func measureAll() async throws {
        let directory = try work.fresh("store-scale")
        try await build(directory)
        try await measureOpen(directory)
        let reading = try ResidentMemoryProbe.measure(directory: directory, streams: streams, reads: reads)
        let cacheMB = Double(LogOptions.blockCacheBytesDefault) / 1e6
        results.compareStore(StoreRow.residentMemory, peer: .annals, Figure(
            value: Double(reading.afterBytes) / 1e6, unit: "MB",
            note: "RSS of a child process with the store open, after \(Format.grouped(reads)) random EventStore.read(stream:) of "
                + "\(Format.grouped(totalEvents)) events in \(Format.grouped(streams)) streams\(scaledNote); "
                + "\(Format.number(Double(reading.beforeBytes) / 1e6)) MB before the open, peak \(Format.number(Double(reading.peakBytes) / 1e6)) MB; "
                + "block cache bound \(Format.number(cacheMB)) MB"), higherIsBetter: false)
        work.remove(directory)
    }

    private var scaledNote: String { settings.size == "full" ? "" : " (scaled down from 10M in 1M: size \(settings.size))" }

    /// Event `index` of the scale store: stream `index / (1000 × 10) × 1000 + index % 1000`, so each
    /// batch touches 1,000 streams and each stream gets its ten events in ten consecutive batches.
    private func batch(at start: Int) -> [StreamAppend] {
        (start..<min(start + 1000, totalEvents)).map { index in
            let event = workload.events[index % workload.events.count]
            let stream = index / (1000 * Self.eventsPerStream) * 1000 + index % 1000
            return StreamAppend(stream: StreamName(Self.streamName(stream)),
                                events: [EventData(type: event.eventType, data: event.data, metadata: event.metadata)])
        }
    }

    /// Appends the store in parts, timing only the `append` calls, and reports the per-event cost
    /// of the 4th part against the 1st.
    private func build(_ directory: String) async throws {
        let store = try await EventStore.open(directory: directory, options: EventStoreOptions(log: LogOptions(durability: .none)))
        var perEvent: [Double] = []
        var nanos: UInt64 = 0
        var inPart = 0
        for start in stride(from: 0, to: totalEvents, by: 1000) {
            let appends = batch(at: start)
            let begin = monotonicNanos()
            try await store.append(appends)
            nanos += monotonicNanos() - begin
            inPart += appends.count
            if inPart >= partEvents || start + 1000 >= totalEvents {
                perEvent.append(Double(nanos) / Double(inPart))
                (nanos, inPart) = (0, 0)
            }
        }
        try await store.close()
        guard perEvent.count >= 4 else { throw BenchError("the scale store has \(perEvent.count) parts, not 4 or more") }
        let growth = perEvent[3] / perEvent[0] - 1
        let parts = perEvent.map { Format.number($0 / 1000) }.joined(separator: ", ")
        results.compareStore(StoreRow.ingestGrowth, peer: .annals, Figure(
            value: growth * 100, unit: "%",
            note: "µs per event in each \(Format.grouped(partEvents))-event part: \(parts); EventStore.append, 1,000-event batches, .none, "
                + "\(Format.grouped(streams)) streams\(scaledNote)"), higherIsBetter: false)
    }

    /// `EventStore.open` after a clean close, median of three.
    private func measureOpen(_ directory: String) async throws {
        var milliseconds: [Double] = []
        for _ in 0..<3 {
            let start = monotonicNanos()
            let store = try await EventStore.open(directory: directory)
            milliseconds.append(Double(monotonicNanos() - start) / 1e6)
            try await store.close()
        }
        results.compareStore(StoreRow.openManyStreams, peer: .annals, Figure(
            value: percentile(milliseconds, 0.5), unit: "ms",
            note: "\(Format.grouped(streams)) streams, \(Format.grouped(totalEvents)) events\(scaledNote); clean close, median of 3"),
            higherIsBetter: false)
    }
}
