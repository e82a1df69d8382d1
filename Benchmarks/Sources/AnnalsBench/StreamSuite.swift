import Annals
import AnnalsLog
import Foundation
import Synchronization

/// The stream layer on the workload, through `EventStore` only: whole-stream reads hot and
/// cold, a 10-event stream read (async, and sync through `store.reader`), a category read,
/// append-to-delivery latency to a live subscriber, and the size of the stream-layer index files.
struct StreamSuite {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    /// Streams of exactly ten events, added beside the workload for the latency figure.
    static let tenEventStreams = 1_000
    var options: EventStoreOptions {
        EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: SealedSuite.segmentBytes(for: workload)))
    }

    mutating func measureAll() async throws {
        let directory = try work.fresh("annals-streams")
        var store = try await EventStore.open(directory: directory, options: options)
        try await ingest(store)
        let sample = workload.sampleStreams(settings.streamSample, seed: 7).map { StreamName($0) }
        _ = try await readStreams(sample, store)
        var events = 0
        var best = Double.infinity
        for _ in 0..<settings.repeats {
            let start = monotonicNanos()
            events = try await readStreams(sample, store)
            best = min(best, Double(monotonicNanos() - start) / 1e9)
        }
        let expected = sample.reduce(0) { $0 + workload.streams[$1.rawValue]!.count }
        guard events == expected else { throw BenchError("stream reads saw \(events) events, not \(expected)") }
        results.compareStore(StoreRow.readsHot, peer: .annals, Figure(
            value: Double(sample.count) / best, unit: "streams/s",
            note: "EventStore.read(stream:), \(Format.grouped(sample.count)) streams, \(Format.fixed(Double(expected) / Double(sample.count), 1)) events each"))
        results.compareStore(StoreRow.tenEventAsync, peer: .annals, try await tenEventLatency(store, passes: 5, label: "hot"),
                             higherIsBetter: false)
        results.compareStore(StoreRow.tenEventSync, peer: .annals, try tenEventSyncLatency(store, passes: 5), higherIsBetter: false)
        try await measureCategory(store)
        try await measureDelivery(store)
        try await store.close()
        store = try await EventStore.open(directory: directory, options: options)
        try await measureCold(store)
        let stats = try store.stats()
        let fullSegmentEvents = Int(stats.segments.dropLast().reduce(0) { $0 + $1.records })
        try await store.close()
        recordIndexSizes(directory, fullSegmentEvents: fullSegmentEvents)
        work.remove(directory)
    }

    /// The workload through `append([StreamAppend])`, 1,000 events a call, then the ten-event
    /// streams; ids are generated (UUIDv7) so the id index is filled as in real use.
    private func ingest(_ store: EventStore) async throws {
        let events = workload.events
        let seconds = try await timedAsync {
            for start in stride(from: 0, to: events.count, by: 1000) {
                let batch = events[start..<min(start + 1000, events.count)].map {
                    StreamAppend(stream: StreamName($0.stream), events: [EventData(type: $0.eventType, data: $0.data, metadata: $0.metadata)])
                }
                try await store.append(batch)
            }
        }
        results.addAnnals("Stream-layer ingest, batch 1000, not durable", Figure(
            value: Double(events.count) / seconds, unit: "events/s", note: "EventStore.append of 1,000 single-event stream appends, ids generated"))
        let template = events[0]
        for stream in 0..<Self.tenEventStreams {
            let ten = (0..<10).map { _ in EventData(type: template.eventType, data: template.data, metadata: template.metadata) }
            try await store.append(to: StreamName("tenevents-\(stream)"), ten)
        }
    }

    private func readStreams(_ sample: [StreamName], _ store: EventStore) async throws -> Int {
        var events = 0
        for stream in sample { events += try await store.read(stream: stream).count }
        return events
    }

    /// Per-call latency of reading a whole ten-event stream, over every ten-event stream.
    private func tenEventLatency(_ store: EventStore, passes: Int, label: String) async throws -> Figure {
        var samples: [Double] = []
        for _ in 0..<passes {
            for stream in 0..<Self.tenEventStreams {
                let name = StreamName("tenevents-\(stream)")
                let start = monotonicNanos()
                let count = try await store.read(stream: name).count
                samples.append(Double(monotonicNanos() - start) / 1e3)
                guard count == 10 else { throw BenchError("\(name) read \(count) events, not 10") }
            }
        }
        return Figure(value: percentile(samples, 0.5), unit: "µs",
                      note: "\(label); p99 \(Format.number(percentile(samples, 0.99))) µs over \(samples.count) reads of \(Self.tenEventStreams) streams, through the async API")
    }

    /// The same reads through the synchronous reader, `store.reader.read(stream:)`, on the caller's thread.
    private func tenEventSyncLatency(_ store: EventStore, passes: Int) throws -> Figure {
        let reader = store.reader
        var samples: [Double] = []
        for _ in 0..<passes {
            for stream in 0..<Self.tenEventStreams {
                let name = StreamName("tenevents-\(stream)")
                let start = monotonicNanos()
                let count = try reader.read(stream: name).count
                samples.append(Double(monotonicNanos() - start) / 1e3)
                guard count == 10 else { throw BenchError("\(name) read \(count) events, not 10") }
            }
        }
        return Figure(value: percentile(samples, 0.5), unit: "µs",
                      note: "hot; p99 \(Format.number(percentile(samples, 0.99))) µs over \(samples.count) reads of \(Self.tenEventStreams) streams, through store.reader")
    }

    private func measureCategory(_ store: EventStore) async throws {
        var events = 0
        let seconds = try await timedAsync { events = try await store.read(category: "order").count }
        guard events == workload.events.count else { throw BenchError("category read saw \(events) events") }
        results.addAnnals("Category read, read(category: \"order\")", Figure(
            value: Double(events) / seconds, unit: "events/s",
            note: "\(Format.grouped(events)) events (every workload stream is an order); a scan of the log, one pass"))
    }

    /// One event at a time: the clock starts before `append`, and stops when a subscriber task
    /// waiting on the live subscription receives the event. Store durability `.none`.
    private func measureDelivery(_ store: EventStore) async throws {
        let count = settings.quick ? 2_000 : 10_000
        let received = Mutex<[UInt64]>([])
        let (arrivals, signal) = AsyncStream<Void>.makeStream()
        let subscription = try store.subscribe(from: .end, filter: .category("latency"))
        let consumer = Task {
            var seen = 0
            for try await _ in subscription {
                let now = monotonicNanos()
                received.withLock { $0.append(now) }
                signal.yield()
                seen += 1
                if seen == count { break }
            }
        }
        var arrivalsIterator = arrivals.makeAsyncIterator()
        var samples: [Double] = []
        let template = workload.events[0]
        for index in 0..<count {
            let start = monotonicNanos()
            try await store.append(to: StreamName("latency-\(index % 100)"), [EventData(type: template.eventType, data: template.data)])
            _ = await arrivalsIterator.next()
            let arrived = received.withLock { $0[index] }
            samples.append(Double(arrived - start) / 1e3)
        }
        try await consumer.value
        results.compareStore(StoreRow.delivery, peer: .annals, Figure(
            value: percentile(samples, 0.5), unit: "µs",
            note: "p99 \(Format.number(percentile(samples, 0.99))) µs; \(count) single-event appends under .none, one at a time"),
            higherIsBetter: false)
    }

    /// After a fresh `EventStore.open` in this process: its caches are empty, the OS page cache
    /// is warm. Each stream of another seeded sample is read once.
    private func measureCold(_ store: EventStore) async throws {
        results.addAnnals("Cold 10-event stream read, p50", try await tenEventLatency(store, passes: 1, label: "first read of each stream after a fresh EventStore.open"))
        let sample = workload.sampleStreams(settings.streamSample, seed: 8).map { StreamName($0) }
        var events = 0
        let seconds = try await timedAsync { events = try await readStreams(sample, store) }
        let expected = sample.reduce(0) { $0 + workload.streams[$1.rawValue]!.count }
        guard events == expected else { throw BenchError("cold stream reads saw \(events) events, not \(expected)") }
        results.compareStore(StoreRow.readsCold, peer: .annals, Figure(
            value: Double(sample.count) / seconds, unit: "streams/s",
            note: "fresh EventStore.open in the same process (empty caches, warm page cache), one pass"))
    }

    /// Bytes of the stream-index (.sidx), id-index (.eidx) and time-index (.tidx) files of
    /// the full segments, per million of the events they cover, and of the heads checkpoint
    /// per million streams. In-memory structures (the active segment's entries) not measured.
    private func recordIndexSizes(_ directory: String, fullSegmentEvents: Int) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for suffix in [".sidx", ".eidx", ".tidx"] where fullSegmentEvents > 0 {
            let bytes = WorkDirectory.bytes(of: directory, matching: [suffix])
            let files = names.filter { $0.hasSuffix(suffix) }.count
            results.addAnnals("\(suffix) files per million events", Figure(
                value: Double(bytes) / Double(fullSegmentEvents), unit: "MB",
                note: "\(Format.grouped(bytes)) bytes in \(files) files for the \(Format.grouped(fullSegmentEvents)) events of full segments"))
        }
        let streams = workload.streams.count + Self.tenEventStreams + 100
        let heads = WorkDirectory.fileBytes(directory + "/streams.heads")
        results.addAnnals("streams.heads checkpoint per million streams", Figure(
            value: Double(heads) / Double(streams), unit: "MB", note: "\(Format.grouped(heads)) bytes for \(Format.grouped(streams)) streams"))
    }
}

func timedAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = monotonicNanos()
    try await body()
    return Double(monotonicNanos() - start) / 1e9
}
