import AnnalsLog
import Foundation

/// Sealing on the shared workload: a store of 8 MiB segments ingested under `.none`, then
/// `sealFullSegments()` timed; the footprint before and after; a warm scan over the sealed
/// segments; a cold point read; and open time as the number of sealed segments grows.
struct SealedSuite {
    let workload: Workload
    let entries: [LogEntry]
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    /// 8 MiB segments, so the small workload fills several; a smoke-test workload (`--events`)
    /// too small for that gets segments of a quarter of its bytes (at least 512 KiB, which
    /// holds a 1000-event batch).
    static func segmentBytes(for workload: Workload) -> Int {
        workload.jsonlBytes >= 16 << 20 ? 8 << 20 : max(512 << 10, workload.jsonlBytes / 4)
    }
    var options: LogOptions { LogOptions(durability: .none, segmentBytes: Self.segmentBytes(for: workload)) }

    mutating func measureAll() throws {
        let directory = try work.fresh("annals-sealed")
        let log = try Log.open(directory: directory, options: options)
        for start in stride(from: 0, to: entries.count, by: 1000) {
            try log.append(Array(entries[start..<min(start + 1000, entries.count)]))
        }
        try log.sync()
        let rawStoreBytes = WorkDirectory.bytes(of: directory)
        var reports: [SealReport] = []
        let seconds = try timed { reports = try log.sealFullSegments() }
        guard !reports.isEmpty else { throw BenchError("no segment filled: the workload is smaller than one segment") }
        try recordSealing(reports, seconds: seconds, log: log, rawStoreBytes: rawStoreBytes)
        let sealedRecords = Int(reports.reduce(0) { $0 + $1.records })
        try measureScan(log, records: sealedRecords)
        try log.close()
        try measureColdPointReads(directory, records: sealedRecords)
        work.remove(directory)
        try measureOpenTimes()
    }

    /// Sealing throughput against durable ingest, and the footprint against raw, JSONL and SQLite.
    private func recordSealing(_ reports: [SealReport], seconds: Double, log: Log, rawStoreBytes: Int) throws {
        let raw = reports.reduce(0) { $0 + Int($1.rawFileBytes) }
        let sealed = reports.reduce(0) { $0 + Int($1.sealedFileBytes) }
        let records = Int(reports.reduce(0) { $0 + $1.records })
        let rate = Double(raw) / seconds / 1e6
        results.addAnnals("Sealing: raw segment MB/s", Figure(
            value: rate, unit: "MB/s",
            note: "\(reports.count) segments of \(Self.segmentBytes(for: workload) >> 10) KiB, \(Format.grouped(raw)) raw bytes in \(Format.fixed(seconds, 2)) s, default \(LogOptions.blockBytesDefault / 1024) KiB blocks"))
        results.addAnnals("Sealed ÷ raw segment bytes", Figure(value: Double(raw) / Double(sealed), unit: "× smaller",
                                                                note: "\(Format.grouped(sealed)) sealed bytes for \(Format.grouped(records)) events"))
        let stats = try log.stats()
        let sealedWithIndexes = Int(stats.sealedBytes) + stats.segments.filter { $0.state == "sealed" }.reduce(0) { $0 + Int($1.indexBytes) }
        let jsonl = try Self.jsonlBytes(ofFirst: records, path: settings.jsonlPath)
        results.addAnnals("Sealed segment bytes ÷ input JSONL of the same events", Figure(
            value: Double(sealed) / Double(jsonl), unit: "×", note: "\(Format.grouped(jsonl)) JSONL bytes"))
        results.compare("Footprint, sealed: bytes ÷ input JSONL", peer: .annals, Figure(
            value: Double(sealedWithIndexes) / Double(jsonl), unit: "×",
            note: "sealed segments and their position indexes; the \(Format.grouped(workload.events.count - records)) events of the active segment stay raw"),
            higherIsBetter: false)
        results.addAnnals("Store directory after sealing ÷ before", Figure(
            value: Double(WorkDirectory.bytes(of: log.directory)) / Double(rawStoreBytes), unit: "×",
            note: "whole store, active raw segment included"))
    }

    /// Bytes of the first `count` lines of the JSONL input, newlines included.
    static func jsonlBytes(ofFirst count: Int, path: String) throws -> Int {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var lines = 0
        var end = 0
        bytes.withUnsafeBytes { buffer in
            while end < buffer.count, lines < count {
                if buffer[end] == UInt8(ascii: "\n") { lines += 1 }
                end += 1
            }
        }
        return end
    }

    /// A full scan of the sealed records, after one untimed pass so the page cache is warm.
    private func measureScan(_ log: Log, records: Int) throws {
        var events = 0
        var checksum = 0
        let pass = { () throws in
            events = 0
            try log.forEachRecord(from: .first, limit: records) { view in
                events += 1
                checksum &+= view.payloadBytes.count &+ Int(view.payloadBytes.first ?? 0)
                return true
            }
        }
        try pass()
        let seconds = try bestOf(settings.repeats) { try pass() }
        guard events == records else { throw BenchError("sealed scan saw \(events) events, not \(records)") }
        results.compare("Full warm scan, sealed (events/s)", peer: .annals, Figure(
            value: Double(events) / seconds, unit: "events/s", note: "\(Format.grouped(events)) events in sealed segments, each block decompressed and every CRC checked"))
    }

    /// Point reads in sealed segments, each on a freshly opened log (empty block cache); the
    /// page cache is warm. The block count per read is asserted in `SealedSegmentTests`.
    private func measureColdPointReads(_ directory: String, records: Int) throws {
        var random = SplitMix64(seed: 11)
        var samples: [Double] = []
        var opens: [Double] = []
        for _ in 0..<(settings.quick ? 30 : 100) {
            let position = LogPosition(random.next() % UInt64(records) + 1)
            var log: Log?
            opens.append(try timed { log = try Log.open(directory: directory, options: options) })
            guard let log else { continue }
            var found: LogRecord?
            samples.append(try timed { found = try log.record(at: position) })
            guard found?.position == position else { throw BenchError("cold point read at \(position) found \(String(describing: found?.position))") }
            try log.close()
        }
        results.addAnnals("Cold point read in a sealed segment, p50", Figure(
            value: percentile(samples, 0.5) * 1e6, unit: "µs",
            note: "p99 \(Format.number(percentile(samples, 0.99) * 1e6)) µs; \(samples.count) reads, each after a fresh Log.open (empty block cache, warm page cache)"))
    }

    /// Open time of stores holding more and more sealed segments: the workload appended again
    /// and again under `.none`, sealed, closed, then `Log.open` timed (median of five).
    private mutating func measureOpenTimes() throws {
        let targets = settings.quick ? [10, 100, 300] : [10, 100, 500]
        let directory = try work.fresh("annals-open-sealed")
        var sealedSegments = 0
        for target in targets {
            let log = try Log.open(directory: directory, options: options)
            while sealedSegments < target {
                for start in stride(from: 0, to: entries.count, by: 1000) {
                    try log.append(Array(entries[start..<min(start + 1000, entries.count)]))
                }
                sealedSegments += try log.sealFullSegments().count
            }
            let stats = try log.stats()
            try log.close()
            var times: [Double] = []
            for _ in 0..<5 {
                var reopened: Log?
                times.append(try timed { reopened = try Log.open(directory: directory, options: options) })
                try reopened?.close()
            }
            results.addAnnals("Open with \(sealedSegments) sealed segments", Figure(
                value: percentile(times, 0.5) * 1e3, unit: "ms",
                note: "\(Format.grouped(Int(stats.records))) events, \(Format.grouped(Int(stats.sealedRecordBytes))) raw bytes sealed into \(Format.grouped(Int(stats.sealedBytes))); clean close, median of 5"))
        }
        work.remove(directory)
    }
}
