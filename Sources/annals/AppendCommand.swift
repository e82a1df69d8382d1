import Annals
import ArgumentParser

/// `annals append`: JSON lines in, one acknowledgement line out per event once it is durable.
struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append events read as JSON lines from standard input.",
        discussion: """
            Each input line: {"stream": S, "type": T, "data": <any JSON>, "metadata": <object, optional>, "id": <uuid, optional>}. \
            Whatever standard input has ready is committed as one atomic batch, across all the streams it names \
            (split into several atomic batches only when it exceeds the largest batch a segment holds). As events \
            become durable under the store's policy, one line per event is written to standard output, in input \
            order: {"position": P, "stream": S, "version": V}. A bad line stops the command with an error naming \
            the line number and a non-zero exit; everything before it is durable, nothing after it is appended. \
            An event without an id gets a UUIDv7. Re-sending events whose ids are all stored writes nothing and \
            acknowledges them with their original positions.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "The stream to append to: lines may leave out \"stream\", and a line naming another stream is an error.")
    var stream: String?

    @Option(name: .long, help: ArgumentHelp(
        "Checked on the first commit (any, no-stream, exists, or a version N); each later commit expects the version the previous one reached. Needs --stream.",
        valueName: "any|no-stream|exists|N"))
    var expectedVersion: ExpectedVersionChoice?

    func validate() throws {
        if expectedVersion != nil && stream == nil {
            throw ValidationError("--expected-version needs --stream: it checks the version of that one stream")
        }
        if let stream {
            guard !stream.isEmpty, stream.utf8.count <= StreamName.bytesMax else {
                throw ValidationError("--stream must be 1...\(StreamName.bytesMax) bytes of UTF-8")
            }
        }
    }

    func run() async throws {
        let eventStore = try await store.openStore()
        try await StoreAccess.using(eventStore) { eventStore in
            var appender = Appender(store: eventStore, stream: stream.map { StreamName($0) }, expected: expectedVersion?.value)
            try await ingest(into: &appender)
        }
    }

    /// Reads standard input to its end, committing each chunk's complete lines as one batch.
    private func ingest(into appender: inout Appender) async throws {
        var carry: [UInt8] = []
        var lineNumber = 0
        var atEnd = false
        while !atEnd {
            let chunk = try await StandardIO.readAvailableInBackground()
            atEnd = chunk.isEmpty
            carry += chunk
            var lines = carry.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            carry = atEnd ? [] : lines.removeLast()
            var batch = appender.newBatch()
            for line in lines {
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                do {
                    try batch.add(InputEvent(line: line, defaultStream: stream), line: lineNumber)
                } catch {
                    try await appender.commit(batch)
                    throw CLIError("line \(lineNumber): \(error)")
                }
            }
            try await appender.commit(batch)
        }
    }
}
