import Annals
import AnnalsLog
import ArgumentParser

/// `annals read`: events as JSON lines, from the whole log, one stream, a category, an event
/// type, or a point in time.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Write events as JSON lines: position, stream, version, type, id, timestamp, data, metadata.",
        discussion: """
            Without a selection, reads the whole log by position (--from, --backward, --limit). \
            --stream S reads one stream by version (--from-version, --backward, --limit); a deleted stream is an error. \
            --category C and --type T read forward by position (both together: events matching both), starting at \
            --from P or at --since T (the first event committed at or after that ISO 8601 time), with --limit. \
            --since alone reads every event from that time on. \
            Refused: --stream with --from, --category, --type or --since; --from-version without --stream; \
            --since with --from; --backward with --category, --type or --since.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "First position to read (default: the first event, or the last with --backward).")
    var from: UInt64?

    @Option(name: .long, help: "Most events to write.")
    var limit: Int = .max

    @Flag(name: .long, help: "Read towards the start: from --from (or --from-version with --stream) backwards.")
    var backward = false

    @Option(name: .long, help: "Read only this stream, by version.")
    var stream: String?

    @Option(name: .long, help: "With --stream: the first version to read (default: the first, or the last with --backward).")
    var fromVersion: UInt64?

    @Option(name: .long, help: "Read only streams of this category (the stream name before its first '-').")
    var category: String?

    @Option(name: .long, help: "Read only events of this type.")
    var type: String?

    @Option(name: .long, help: "Start at the first event committed at or after this ISO 8601 time (e.g. 2026-01-31T12:00:00Z).")
    var since: String?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        _ = try query()
    }

    func run() async throws {
        guard PosixFileSystem().exists(store.dir) else { throw CLIError("no store at \(store.dir)") }
        let query = try query()
        let eventStore = try await store.openStoreReadOnly()
        try await StoreAccess.using(eventStore) { eventStore in
            var reader = EventReader(store: eventStore, limit: limit)
            try await reader.run(query)
        }
    }

    /// The read the options ask for, or a `ValidationError` saying which combination is refused.
    func query() throws -> ReadQuery {
        if let stream {
            let conflicting = [from != nil ? "--from" : nil, category != nil ? "--category" : nil,
                               type != nil ? "--type" : nil, since != nil ? "--since" : nil].compactMap { $0 }
            guard conflicting.isEmpty else {
                throw ValidationError("--stream cannot be combined with \(conflicting.joined(separator: ", ")) (a stream is read by version: use --from-version)")
            }
            guard !stream.isEmpty, stream.utf8.count <= StreamName.bytesMax else {
                throw ValidationError("--stream must be 1...\(StreamName.bytesMax) bytes of UTF-8")
            }
            return .stream(StreamName(stream), fromVersion: fromVersion, backward: backward)
        }
        guard fromVersion == nil else { throw ValidationError("--from-version needs --stream (use --from for a position)") }
        guard category != nil || type != nil || since != nil else {
            return .all(from: from.map(LogPosition.init(rawValue:)), backward: backward)
        }
        guard !backward else { throw ValidationError("--backward works with a whole-log or --stream read, not with --category, --type or --since") }
        let start: ReadQuery.Start
        if let since {
            guard from == nil else { throw ValidationError("give one start: --since or --from, not both") }
            guard let nanoseconds = Timestamps.parse(since) else {
                throw ValidationError("--since must be an ISO 8601 time such as 2026-01-31T12:00:00Z, 2026-01-31T12:00:00.250+01:00 or 2026-01-31; got \"\(since)\"")
            }
            start = .since(nanoseconds: nanoseconds)
        } else {
            start = .position(LogPosition(rawValue: from ?? 1))
        }
        return .filtered(category: category, type: type, start: start)
    }
}

/// What `annals read` reads.
enum ReadQuery: Equatable {
    enum Start: Equatable {
        case position(LogPosition)
        /// The first position committed at or after this time (nanoseconds since 1970).
        case since(nanoseconds: Int64)
    }

    /// Every event by position, from a position (default: the first, or the last backward).
    case all(from: LogPosition?, backward: Bool)
    /// One stream by version.
    case stream(StreamName, fromVersion: UInt64?, backward: Bool)
    /// Events of a category and/or a type (both nil: every event), forward from `start`.
    case filtered(category: String?, type: String?, start: Start)
}
