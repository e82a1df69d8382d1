import Annals
import AnnalsLog
import ArgumentParser

/// `annals append`: JSON lines in, one acknowledgement line out per event once it is durable.
struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append events read as JSON lines from standard input.",
        discussion: """
            Each input line: {"stream": S, "type": T, "data": <any JSON>, "metadata": <object, optional>, "id": <uuid, optional>, \
            "tags": [<string>, ...] (optional: at most 32, each 1...255 bytes, none twice)}. \
            A thread of its own reads and validates the input while the previous batch commits. The lines of each \
            read of standard input (what a pipe has ready, or up to 1 MiB of a file) are committed as one atomic \
            batch, across all the streams they name (split only when they exceed the largest batch a segment holds); \
            reads that are ready together share one commit of up to 4 MiB (when that commit is refused, each read \
            commits on its own). As events \
            become durable under the store's policy, one line per event is written to standard output, in input \
            order: {"position": P, "stream": S, "version": V}. A bad line stops the command with an error naming \
            the line number and a non-zero exit; everything before it is durable, nothing after it is appended. \
            An event without an id gets a UUIDv7. Re-sending events whose ids are all stored writes nothing and \
            acknowledges them with their original positions. \
            --fail-if-match QUERY_JSON (a DCB append condition; [{"types": [...], "tags": [...]}, ...]) makes the \
            first commit fail if an event matching the query was appended after --after P (default 0: anywhere \
            in the log); it is checked and written in one step, like --expected-version, and on failure nothing is \
            appended, the error names the first conflicting position, and the exit status is 3.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "The stream to append to: lines may leave out \"stream\", and a line naming another stream is an error.")
    var stream: String?

    @Option(name: .long, help: ArgumentHelp(
        "Checked on the first commit (any, no-stream, exists, or a version N); each later commit expects the version the previous one reached. Needs --stream.",
        valueName: "any|no-stream|exists|N"))
    var expectedVersion: ExpectedVersionChoice?

    @Option(name: .long, help: ArgumentHelp(
        #"An append condition, checked on the first commit: fail if an event matching this query, [{"types": [...], "tags": [...]}, ...], was appended after --after (exit status 3)."#,
        valueName: "query-json"))
    var failIfMatch: String?

    @Option(name: .long, help: "With --fail-if-match: only events after this position count (default 0: any event in the log).")
    var after: UInt64?

    /// The exit status when `--fail-if-match` finds a conflicting event: distinct from every
    /// other failure (1) and from usage errors (64), so a script knows to re-read and decide again.
    static let conditionFailedExitCode: Int32 = 3

    func validate() throws {
        _ = try condition()
        if expectedVersion != nil && stream == nil {
            throw ValidationError("--expected-version needs --stream: it checks the version of that one stream")
        }
        if let stream {
            guard !stream.isEmpty, stream.utf8.count <= StreamName.bytesMax else {
                throw ValidationError("--stream must be 1...\(StreamName.bytesMax) bytes of UTF-8")
            }
        }
    }

    @Flag(name: .long, help: "At the end, write one line to standard error: events, input bytes, seconds, events/s.")
    var stats = false

    @OptionGroup var progress: ProgressOptions

    /// A commit holds at most this many bytes of ready input, unless one read alone is larger.
    static let commitBytesMax = 4 << 20
    /// The reader waits while this many parsed bytes wait for the committer.
    static let queuedBytesMax = 8 << 20

    func run() async throws {
        do { try await append() } catch let failure as AppendConditionFailure {
            StandardIO.printError("Error: \(failure)")
            throw ExitCode(Self.conditionFailedExitCode)
        }
    }

    private func append() async throws {
        let started = ProgressMeter.now()
        let eventStore = try await store.openStore()
        try await StoreAccess.using(eventStore) { eventStore in
            var appender = Appender(store: eventStore, stream: stream.map { StreamName($0) }, expected: expectedVersion?.value,
                                    condition: try condition())
            let meter = ProgressMeter(unit: "events", totalBytes: StandardIO.inputFileBytesLeft(), choice: progress.progress)
            var inputBytes: UInt64 = 0
            defer {
                meter.finish()
                if stats {
                    StandardIO.printError(Self.summary(events: appender.eventsAcknowledged, bytes: inputBytes,
                                                       seconds: Double(ProgressMeter.now() - started) / 1e9))
                }
            }
            try await ingest(into: &appender) { units, acknowledged in
                inputBytes += units.reduce(0) { $0 + UInt64($1.inputBytes) }
                meter.update(count: acknowledged, bytes: inputBytes)
            }
        }
    }

    /// The `--fail-if-match` condition, if given, or a `ValidationError` for a bad query.
    func condition() throws -> AppendCondition? {
        guard let failIfMatch else {
            guard after == nil else { throw ValidationError("--after needs --fail-if-match: it is the position the condition counts from") }
            return nil
        }
        let query = try QueryArgument.parse(failIfMatch, option: "--fail-if-match")
        return AppendCondition(failIfEventsMatch: query, after: after.flatMap { $0 == 0 ? nil : LogPosition(rawValue: $0) })
    }

    /// Reads standard input to its end on a parsing thread while this task commits what it has
    /// parsed: the two overlap, and each commit takes everything ready (up to `commitBytesMax`).
    private func ingest(into appender: inout Appender, committed: ([IngestUnit], Int) -> Void) async throws {
        let queue = IngestQueue(queuedBytesMax: Self.queuedBytesMax, takeBytesMax: min(Self.commitBytesMax, appender.batchBytesMax))
        InputParser(defaultStream: stream, batchBytesMax: appender.batchBytesMax, queue: queue).start()
        do {
            while true {
                switch await queue.next() {
                case .units(let units):
                    try await appender.commit(units)
                    committed(units, appender.eventsAcknowledged)
                case .end(let failure):
                    if let failure { throw failure }
                    return
                }
            }
        } catch {
            queue.cancel()  // the parser stops at its next unit; nothing after this is appended
            throw error
        }
    }

    /// "appended 100000 events, 29.5 MiB of input in 1.23 s: 81300 events/s".
    static func summary(events: Int, bytes: UInt64, seconds: Double) -> String {
        let rate = seconds > 0 ? Int(Double(events) / seconds) : 0
        let rounded = (seconds * 1000).rounded() / 1000
        return "appended \(events) events, \(ByteCount.text(bytes)) of input in \(rounded) s: \(rate) events/s"
    }
}
