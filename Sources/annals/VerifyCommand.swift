import Annals
import AnnalsJSON
import AnnalsLog
import ArgumentParser

/// `annals verify`: open read-only (beside a running writer or not; nothing is recovered or
/// changed), then check every record and index up to the durable end the writer published.
/// Exits 0 only when everything checks out. Bytes past the durable end (a write a crash tore)
/// are not checked: no reader can see them, and the writer's next open cuts them.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record and index of a store; exit non-zero on any problem.",
        discussion: """
            Opens the store read-only, so it runs beside a writer and changes nothing. It checks \
            everything the writer has made durable; bytes past that point (a torn write left by a \
            crash) are not a problem, since no reader sees them and the next writer cuts them.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Write the result as one JSON object.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let log = try store.openReadOnly()
        let recovery = log.recoveryReport
        let stats = try? log.stats()
        let size = stats.map { "verifying \($0.records) records, \(ByteCount.text($0.bytes))" } ?? "verifying"
        // The total is the segments' size, so the display has a percent and an ETA once the
        // first segment is checked (verify reports after each one).
        let meter = ProgressMeter(unit: "records", totalBytes: stats?.bytes, choice: progress.progress)
        var report = meter.whileRunning(size) { update in
            log.verify { partial in update(partial.recordsChecked, partial.bytesChecked) }
        }
        // Then the stream layer's index files of every full segment, against a rebuild from
        // their records (each segment is read again).
        let indexMeter = ProgressMeter(unit: "index entries", totalBytes: nil, choice: progress.progress)
        report = indexMeter.whileRunning("verifying stream indexes") { update in
            var withIndexes = report
            EventStore.verifyDerivedIndexes(of: log, into: &withIndexes) { partial in update(partial.indexEntriesChecked, 0) }
            return withIndexes
        }
        try? log.close()
        if json {
            StandardIO.write(Self.json(recovery, report))
        } else {
            StandardIO.print(Self.text(recovery, report))
        }
        if !report.isHealthy { throw ExitCode(1) }
    }

    static func text(_ recovery: RecoveryReport, _ report: VerifyReport) -> String {
        var lines: [String] = []
        if recovery.bytesDropped > 0 {
            lines.append("recovered: dropped a torn tail of \(recovery.bytesDropped) bytes (\(recovery.recordsDropped) whole records of an incomplete batch) from \(recovery.droppedFrom ?? "?")")
        }
        for name in recovery.indexesRebuilt { lines.append("recovered: rebuilt index \(name)") }
        for name in recovery.filesRemoved { lines.append("recovered: removed leftover \(name)") }
        lines.append("checked \(report.segmentsChecked) segments, \(report.recordsChecked) records, \(report.bytesChecked) bytes, \(report.indexEntriesChecked) index entries")
        for problem in report.problems { lines.append("problem: \(problem)") }
        lines.append(report.isHealthy ? "ok" : "FAILED: \(report.problems.count) problem(s)")
        return lines.joined(separator: "\n")
    }

    static func json(_ recovery: RecoveryReport, _ report: VerifyReport) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("ok", rawJSON: Array((report.isHealthy ? "true" : "false").utf8))
        writer.field("segments", UInt64(report.segmentsChecked))
        writer.field("records", UInt64(report.recordsChecked))
        writer.field("bytes", report.bytesChecked)
        writer.field("indexEntries", UInt64(report.indexEntriesChecked))
        writer.field("bytesDroppedByRecovery", recovery.bytesDropped)
        writer.field("recordsDroppedByRecovery", UInt64(recovery.recordsDropped))
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (number, problem) in report.problems.enumerated() {
            var item = JSONWriter()
            item.beginObject()
            item.field("file", problem.file)
            if let offset = problem.offset { item.field("offset", offset) }
            item.field("message", problem.message)
            item.endObject()
            if number > 0 { list.append(UInt8(ascii: ",")) }
            list += item.bytes
        }
        list.append(UInt8(ascii: "]"))
        writer.field("problems", rawJSON: list)
        writer.endObject()
        return writer.finishLine()
    }
}
