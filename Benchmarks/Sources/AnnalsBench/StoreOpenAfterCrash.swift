import Annals
import AnnalsLog

/// `EventStore.open` of a store that was not closed: its files are copied while it is still
/// open (what a kill -9 leaves: everything written, the unsynced tail included, no clean
/// shutdown), then `EventStore.open` runs on the copy, median of three copies. Two shapes: a
/// full 64 MiB active segment, and many sealed segments behind a short unsynced tail.
struct StoreOpenAfterCrash {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    mutating func measureAll() async throws {
        try await measureFullActiveSegment()
        // Two segment sizes, so the open time can be read against the number of sealed segments.
        for segmentBytes in settings.size == "full" ? [4 << 20, 1 << 20] : [1 << 20, 256 << 10] {
            try await measureSealed(segmentBytes: segmentBytes)
        }
    }

    private func batches(from start: Int, count: Int) -> [StreamAppend] {
        let events = workload.events
        return StoreAppends.appends((0..<count).map { events[(start + $0) % events.count] }[...])
    }

    /// Appends the workload again and again (stream versions run on) until the active segment
    /// is within one batch of its 64 MiB, without rolling.
    private mutating func measureFullActiveSegment() async throws {
        let directory = try work.fresh("store-crash-full")
        let segmentBytes = LogOptions.segmentBytesDefault
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: segmentBytes))
        let store = try await EventStore.open(directory: directory, options: options)
        var appended = 0
        while true {
            try await store.append(batches(from: appended, count: 1000))
            appended += 1000
            let segments = try store.stats().segments
            guard segments.count == 1, let active = segments.last else { throw BenchError("the 64 MiB segment rolled after \(appended) events") }
            let perEvent = Double(active.recordBytes) / Double(active.records)
            if Double(active.recordBytes) + 2000 * perEvent > Double(segmentBytes) { break }
        }
        try await measureCopies(of: directory, store: store, options: options, row: StoreRow.openCrashFull,
                                shape: "one 64 MiB active segment holding \(Format.grouped(appended)) events, never synced")
    }

    /// The workload into segments of `segmentBytes`, sealed with `EventStore.sealFullSegments()`,
    /// then 1,000 more unsynced events before the crash copy.
    private mutating func measureSealed(segmentBytes: Int) async throws {
        let directory = try work.fresh("store-crash-sealed")
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: segmentBytes))
        let store = try await EventStore.open(directory: directory, options: options)
        // Batches of 100 events (about 35 KB): a batch must fit in one of these small segments.
        for start in stride(from: 0, to: workload.events.count, by: 100) {
            try await store.append(StoreAppends.appends(workload.events[start..<min(start + 100, workload.events.count)]))
        }
        let sealed = try store.sealFullSegments().count
        for start in stride(from: 0, to: 1000, by: 100) { try await store.append(batches(from: start, count: 100)) }
        try await measureCopies(of: directory, store: store, options: options,
                                row: StoreRow.openCrashSealedPrefix + "\(sealed) sealed segments",
                                shape: "\(sealed) sealed segments of \(segmentBytes >> 10) KiB, then 1,000 unsynced events")
    }

    private mutating func measureCopies(of directory: String, store: EventStore, options: EventStoreOptions, row: String, shape: String) async throws {
        var milliseconds: [Double] = []
        var report: EventStoreOpenReport?
        for attempt in 0..<3 {
            let copy = try work.fresh("store-crash-copy-\(attempt)")
            try WorkDirectory.copyFiles(from: directory, to: copy)
            let start = monotonicNanos()
            let reopened = try await EventStore.open(directory: copy, options: options)
            milliseconds.append(Double(monotonicNanos() - start) / 1e6)
            report = reopened.openReport
            guard report?.log.cleanShutdown == false else { throw BenchError("the crashed copy of \(directory) opened as cleanly closed") }
            try await reopened.close()
            work.remove(copy)
        }
        try await store.close()
        work.remove(directory)
        let scanned = report.map { "\(Format.grouped(Int($0.log.bytesScanned))) log bytes and \(Format.grouped($0.recordsScanned)) records scanned" } ?? ""
        results.compareStore(row, peer: .annals, Figure(
            value: percentile(milliseconds, 0.5), unit: "ms", note: "\(shape); \(scanned); median of 3"), higherIsBetter: false)
    }
}
