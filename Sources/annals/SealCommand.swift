import AnnalsJSON
import AnnalsLog
import ArgumentParser

/// `annals seal`: seals every full raw segment now, with a progress display.
struct SealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal every full segment into a compressed, immutable .sealed file now.")

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Write a JSON summary on standard output instead of the table.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        guard PosixFileSystem().exists(store.dir) else { throw CLIError("no store at \(store.dir)") }
        var options = store.logOptions()
        options.sealing = .manual
        let log: Log
        do { log = try Log.open(directory: store.dir, options: options) } catch where error.code == .conflict {
            throw CLIError("cannot seal \(store.dir) while another process writes to it: sealing replaces files, so only the writer may do it (its background sealing seals full segments already; or stop it and run `annals seal`)")
        } catch {
            throw CLIError("cannot open store \(store.dir): \(error)")
        }
        defer { try? log.close() }
        let rawSegments = try log.stats().segments.filter { $0.state == "raw" }
        let pending = rawSegments.count
        // Every raw segment but the active one is sealed: its bytes are the total, for the ETA.
        let meter = ProgressMeter(unit: "segments", totalBytes: rawSegments.dropLast().reduce(0) { $0 + $1.bytes }, choice: progress.progress)
        var done = 0
        var bytesDone: UInt64 = 0
        let reports: [SealReport]
        defer { meter.finish() }
        do {
            reports = try log.sealFullSegments { report in
                done += 1
                bytesDone += report.rawFileBytes
                if meter.isEnabled {
                    meter.update(count: done, bytes: bytesDone, force: true)
                    return
                }
                let ratio = report.sealedFileBytes > 0 ? Double(report.rawFileBytes) / Double(report.sealedFileBytes) : 0
                StandardIO.printError(
                    "[\(done)/\(pending)] sealed \(report.fileName): \(report.records) records, "
                    + "\(ByteCount.text(report.rawFileBytes)) -> \(ByteCount.text(report.sealedFileBytes)) (\(Self.format(ratio))x)")
            }
        } catch {
            throw CLIError("seal failed after \(done) of \(pending) segments: \(error)")
        }
        meter.finish()
        let raw = reports.reduce(0) { $0 + $1.rawFileBytes }
        let sealed = reports.reduce(0) { $0 + $1.sealedFileBytes }
        if json {
            var writer = JSONWriter()
            writer.beginObject()
            writer.field("segmentsSealed", UInt64(reports.count))
            writer.field("rawBytes", raw)
            writer.field("sealedBytes", sealed)
            writer.endObject()
            StandardIO.write(writer.finishLine())
        } else if reports.isEmpty {
            StandardIO.print("nothing to seal: no full raw segment")
        } else {
            StandardIO.print("sealed \(reports.count) segments: \(ByteCount.text(raw)) -> \(ByteCount.text(sealed)) (\(Self.format(Double(raw) / Double(max(sealed, 1))))x smaller)")
        }
        try log.close()
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
