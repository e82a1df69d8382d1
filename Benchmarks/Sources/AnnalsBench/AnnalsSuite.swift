import AnnalsLog
import Foundation

/// The Annals side of the run, through the public `AnnalsLog` API only.
struct AnnalsSuite {
    let workload: Workload
    let entries: [LogEntry]
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    /// One ingest run: events appended, seconds taken, bytes the store holds afterwards.
    struct Ingest {
        var events: Int
        var seconds: Double
        var storeBytes: Int
        var eventsPerSecond: Double { Double(events) / seconds }
    }

    /// Appends the workload in batches of `batch` to a new store. With `limit`, stops once
    /// that many seconds have passed. The store is left open when `keep` is set.
    mutating func ingest(batch: Int, durability: Durability, limit: Double?, keep: Bool = false) throws -> (Ingest, Log?, String) {
        let directory = try work.fresh("annals-b\(batch)-\(durability)")
        let log = try Log.open(directory: directory, options: LogOptions(durability: durability))
        let batches = stride(from: 0, to: entries.count, by: batch).map { Array(entries[$0..<min($0 + batch, entries.count)]) }
        var appended = 0
        let deadline = limit.map { Deadline(seconds: $0) }
        let seconds = try timed {
            for group in batches {
                try log.append(group)
                appended += group.count
                if let deadline, deadline.passed { break }
            }
        }
        let bytes = WorkDirectory.bytes(of: directory)
        if keep { return (Ingest(events: appended, seconds: seconds, storeBytes: bytes), log, directory) }
        try log.close()
        work.remove(directory)
        return (Ingest(events: appended, seconds: seconds, storeBytes: bytes), nil, directory)
    }

    /// Ingest at batch sizes 1, 100 and 1000, durable and not; then a scan of the durable
    /// batch-1000 store (the whole workload, so every peer reads the same data). Stream reads
    /// go through the stream layer (`StreamSuite`), sealing through `SealedSuite`.
    mutating func measureAll() throws {
        var readStore: (Log, String)?
        for durability in [Durability.always, .none] {
            for batch in [1, 100, 1000] {
                let limited = durability == .always && batch == 1
                let keep = durability == .always && batch == 1000
                let (run, log, directory) = try ingest(batch: batch, durability: durability,
                                                       limit: limited ? settings.timeLimitSeconds : nil, keep: keep)
                record(run, batch: batch, durability: durability, limited: limited)
                if let log { readStore = (log, directory) }
            }
        }
        try measureConcurrentAppenders(threads: 64)
        guard let (log, directory) = readStore else { return }
        try measureScan(log)
        try log.close()
        let bytes = WorkDirectory.bytes(of: directory)
        results.compare("Footprint: store bytes ÷ input JSONL", peer: .annals,
                        Figure(value: Double(bytes) / Double(workload.jsonlBytes), unit: "×", note: "\(Format.grouped(bytes)) bytes, raw segments"),
                        higherIsBetter: false)
        work.remove(directory)
        try OpenAfterCrash(entries: entries, settings: settings, results: results, work: work).measure()
    }

    private func record(_ run: Ingest, batch: Int, durability: Durability, limited: Bool) {
        let durable = durability == .always
        let name = "Ingest batch \(batch), \(durable ? "durable" : "not durable")"
        var note = "\(Format.grouped(run.events)) events"
        if limited { note += ", stopped after \(Format.fixed(run.seconds, 1)) s" }
        results.compare(name + " (events/s)", peer: .annals, Figure(value: run.eventsPerSecond, unit: "events/s", note: note))
        results.addAnnals("\(name): input MB/s", Figure(value: run.eventsPerSecond * workload.meanEventBytes / 1e6, unit: "MB/s"))
        results.addAnnals("\(name): disk MB/s", Figure(value: Double(run.storeBytes) / run.seconds / 1e6, unit: "MB/s",
                                                          note: "store bytes written ÷ time"))
    }

    /// 64 threads, each appending single-entry batches under `.always`; group commit
    /// coalesces them into shared writes and syncs.
    mutating func measureConcurrentAppenders(threads: Int) throws {
        let directory = try work.fresh("annals-concurrent")
        let log = try Log.open(directory: directory, options: LogOptions(durability: .always))
        let perThread = min(entries.count / threads, settings.quick ? 1_000 : 4_000)
        let entries = self.entries
        let failures = Failures()
        let group = DispatchGroup()
        let seconds = timed {
            for thread in 0..<threads {
                let slice = Array(entries[(thread * perThread)..<((thread + 1) * perThread)])
                let worker = Thread {
                    do {
                        for entry in slice { try log.append([entry]) }
                    } catch {
                        failures.add("\(error)")
                    }
                    group.leave()
                }
                worker.stackSize = 1 << 20
                group.enter()
                worker.start()
            }
            group.wait()
        }
        try log.close()
        work.remove(directory)
        if let failure = failures.first { throw BenchError("concurrent append failed: \(failure)") }
        let total = perThread * threads
        results.addAnnals("64 concurrent single-event appenders, durable",
                          Figure(value: Double(total) / seconds, unit: "events/s", note: "\(Format.grouped(total)) events"))
    }

    /// A full scan with `forEachRecord`, touching every payload byte count: warm page cache.
    func measureScan(_ log: Log) throws {
        var events = 0
        var payloadBytes = 0
        let seconds = try bestOf(settings.repeats) {
            events = 0
            payloadBytes = 0
            try log.forEachRecord(from: .first) { view in
                events += 1
                payloadBytes &+= view.payloadBytes.count &+ Int(view.payloadBytes.first ?? 0)
                return true
            }
        }
        guard events == workload.events.count else { throw BenchError("scan saw \(events) events, not \(workload.events.count)") }
        let storeBytes = WorkDirectory.bytes(of: log.directory, matching: [".log"])
        results.compare("Full warm scan (events/s)", peer: .annals, Figure(value: Double(events) / seconds, unit: "events/s"))
        results.addAnnals("Full warm scan: segment MB/s", Figure(value: Double(storeBytes) / seconds / 1e6, unit: "MB/s"))
    }
}

/// Errors collected from worker threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var first: String? { lock.withLock { messages.first } }
}
