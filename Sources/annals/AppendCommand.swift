import AnnalsLog
import ArgumentParser

/// `annals append`: JSON lines in, one acknowledgement line out per event once it is durable.
struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append events read as JSON lines from standard input.",
        discussion: """
            Each input line: {"stream": S, "type": T, "data": <any JSON>, "metadata": <object, optional>, "id": <uuid, optional>}.
            Whatever standard input has ready is committed as one atomic batch. As events become durable under
            the store's policy, one line per event is written to standard output, in input order:
            {"position": P, "stream": S, "version": V}. A bad line stops the command with an error naming
            the line number and a non-zero exit; everything before it is durable, nothing after it is appended.
            """)

    @OptionGroup var store: StoreOptions

    func run() throws {
        let log = try store.open()
        defer { try? log.close() }
        var versions = try StreamVersions(scanning: log)
        var carry: [UInt8] = []
        var lineNumber = 0
        var atEnd = false
        while !atEnd {
            let chunk = try StandardIO.readAvailable()
            atEnd = chunk.isEmpty
            carry += chunk
            var lines = carry.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            carry = atEnd ? [] : lines.removeLast()
            var batch: [(entry: LogEntry, stream: String)] = []
            for line in lines {
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                do {
                    let event = try InputEvent(line: line)
                    let entry = LogEntry(
                        stream: event.stream, eventType: event.type, streamVersion: versions.assignNext(event.stream),
                        eventID: event.id ?? .uuidV7(), metadata: event.metadata, payload: event.data)
                    batch.append((entry, event.stream))
                } catch {
                    try commit(batch, to: log)
                    throw CLIError("line \(lineNumber): \(error)")
                }
            }
            try commit(batch, to: log)
        }
        try log.close()
    }

    /// Appends in as few atomic batches as the segment size allows, then acknowledges each event.
    private func commit(_ batch: [(entry: LogEntry, stream: String)], to log: Log) throws {
        var start = 0
        while start < batch.count {
            var end = start
            var bytes = 0
            while end < batch.count {
                let size = batch[end].entry.storedBytes
                if end > start && bytes + size > log.batchBytesMax { break }
                bytes += size
                end += 1
            }
            let slice = batch[start..<end]
            let positions: ClosedRange<LogPosition>
            do {
                positions = try log.append(slice.map(\.entry))
            } catch {
                throw CLIError("append failed: \(error)")
            }
            var writer = JSONWriter()
            var output: [UInt8] = []
            for (offset, item) in slice.enumerated() {
                writer.beginObject()
                writer.field("position", positions.lowerBound.rawValue + UInt64(offset))
                writer.field("stream", item.stream)
                writer.field("version", item.entry.streamVersion)
                writer.endObject()
                output += writer.finishLine()
            }
            StandardIO.write(output)
            start = end
        }
    }
}
