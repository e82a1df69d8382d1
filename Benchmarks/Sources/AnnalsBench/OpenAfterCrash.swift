import AnnalsLog

/// Time to open a store that was not closed: its files are copied while the log is still
/// open (what a kill -9 leaves: everything written, the unsynced tail included, no
/// clean-shutdown marker), then `Log.open` runs on the copy.
struct OpenAfterCrash {
    let entries: [LogEntry]
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    func measure() throws {
        // Many small segments: open must not scan them all, only the active one's tail.
        try measure(segmentBytes: settings.size == "full" ? 1 << 20 : 64 << 10, batch: 100, label: "many small segments")
        // The default size, never synced: the whole active segment is an unsynced tail.
        try measure(segmentBytes: LogOptions.segmentBytesDefault, batch: 1000, label: "default 64 MiB segments, unsynced tail")
    }

    private func measure(segmentBytes: Int, batch: Int, label: String) throws {
        var work = self.work
        let source = try work.fresh("crash-source")
        let log = try Log.open(directory: source, options: LogOptions(durability: .none, segmentBytes: segmentBytes))
        for start in stride(from: 0, to: entries.count, by: batch) {
            try log.append(Array(entries[start..<min(start + batch, entries.count)]))
        }
        var seconds: [Double] = []
        var report = RecoveryReport()
        for attempt in 0..<3 {
            let copy = try work.fresh("crash-copy-\(attempt)")
            try WorkDirectory.copyFiles(from: source, to: copy)
            var reopened: Log?
            seconds.append(try timed { reopened = try Log.open(directory: copy, options: LogOptions(segmentBytes: segmentBytes)) })
            report = reopened!.recoveryReport
            guard !report.cleanShutdown, reopened!.nextPosition.rawValue == UInt64(entries.count) + 1 else {
                throw BenchError("the crashed copy reopened with next position \(reopened!.nextPosition), clean \(report.cleanShutdown)")
            }
            try reopened!.close()
            work.remove(copy)
        }
        try log.close()
        work.remove(source)
        let median = percentile(seconds, 0.5)
        let note = "\(report.segments) segments of \(segmentBytes >> 10) KiB, \(Format.grouped(Int(report.bytesScanned))) tail bytes scanned, median of 3"
        results.addAnnals("Open after crash, \(label)", Figure(value: median * 1000, unit: "ms", note: note))
    }
}
