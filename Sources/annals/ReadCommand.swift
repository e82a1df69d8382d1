import AnnalsLog
import ArgumentParser

/// `annals read`: records as JSON lines, forward or backward from a position.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Write records as JSON lines: position, stream, version, type, id, timestamp, data, metadata.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "First position to read (default: the first record, or the last with --backward).")
    var from: UInt64?

    @Option(name: .long, help: "Most records to write.")
    var limit: Int = .max

    @Flag(name: .long, help: "Read from --from towards the start of the log.")
    var backward = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() throws {
        let log = try store.open()
        defer { try? log.close() }
        var writer = JSONWriter()
        do {
            if backward {
                var cursor = from.map { LogPosition(rawValue: $0) } ?? log.lastPosition ?? LogPosition.beforeFirst
                var remaining = limit
                while remaining > 0 && cursor >= LogPosition.first {
                    let page = try log.read(from: cursor, limit: min(remaining, 1024), direction: .backward)
                    guard let oldest = page.last else { break }
                    StandardIO.write(page.flatMap { RecordJSON.line($0, writer: &writer) })
                    remaining -= page.count
                    cursor = LogPosition(oldest.position.rawValue - 1)
                }
            } else {
                var output: [UInt8] = []
                try log.forEachRecord(from: LogPosition(from ?? 1), limit: limit) { view in
                    output += RecordJSON.line(view.materialize(), writer: &writer)
                    if output.count > 1 << 16 { StandardIO.write(output); output.removeAll(keepingCapacity: true) }
                    return true
                }
                StandardIO.write(output)
            }
        } catch {
            throw CLIError("read failed: \(error)")
        }
        try log.close()
    }
}
