import Annals
import AnnalsLog
import Foundation

/// Sealing and the footprint of a store written through `EventStore`: the workload appended
/// under `.none` into 8 MiB segments, then `EventStore.sealFullSegments()` timed, then the store
/// closed and every file of its directory counted, the stream layer's indexes and heads included.
struct StoreFootprint {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    /// 8 MiB as in `SealedSuite`, smaller only for a smoke-test workload that would not fill one.
    var segmentBytes: Int { SealedSuite.segmentBytes(for: workload) }

    mutating func measure() async throws {
        let directory = try work.fresh("store-footprint")
        let options = EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: segmentBytes))
        let store = try await EventStore.open(directory: directory, options: options)
        for start in stride(from: 0, to: workload.events.count, by: 1000) {
            try await store.append(StoreAppends.appends(workload.events[start..<min(start + 1000, workload.events.count)]))
        }
        var reports: [SealReport] = []
        let seconds = try timed { reports = try store.sealFullSegments() }
        let active = try store.stats().segments.last
        try await store.close()
        guard !reports.isEmpty, let active else { throw BenchError("no segment filled: the workload is smaller than one segment") }
        let sealedEvents = Int(reports.reduce(0) { $0 + $1.records })
        results.compareStore(StoreRow.sealing, peer: .annals, Figure(
            value: Double(sealedEvents) / seconds, unit: "events/s",
            note: "EventStore.sealFullSegments(): \(reports.count) segments of \(segmentBytes >> 10) KiB, \(Format.grouped(sealedEvents)) events in \(Format.fixed(seconds, 2)) s"))
        try recordFootprint(directory, activeFile: active.file, sealedEvents: sealedEvents)
        work.remove(directory)
    }

    /// The sealed part of the store (every file but the active segment's own) against the JSON
    /// lines of the events it holds, and the whole directory against the whole input.
    private func recordFootprint(_ directory: String, activeFile: String, sealedEvents: Int) throws {
        let activeBase = String(activeFile.prefix { $0 != "." })
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        var sealedPart = 0
        var whole = 0
        for name in names {
            let bytes = WorkDirectory.fileBytes(directory + "/" + name)
            whole += bytes
            if !name.hasPrefix(activeBase) { sealedPart += bytes }
        }
        let jsonl = try SealedSuite.jsonlBytes(ofFirst: sealedEvents, path: settings.jsonlPath)
        results.compareStore(StoreRow.footprintSealed, peer: .annals, Figure(
            value: Double(sealedPart) / Double(jsonl) * 100, unit: "%",
            note: "\(Format.grouped(sealedPart)) bytes: every file but the active segment's (\(activeBase)), for the \(Format.grouped(sealedEvents)) "
                + "sealed events' \(Format.grouped(jsonl)) JSONL bytes; whole directory \(Format.percent(Double(whole) / Double(workload.jsonlBytes))) of the whole input"),
            higherIsBetter: false)
    }
}
