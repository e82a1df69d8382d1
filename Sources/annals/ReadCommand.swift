import Annals
import AnnalsLog
import ArgumentParser

/// `annals read`: events as JSON lines, from the whole log, one stream, a category, an event
/// type, or a point in time.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Write events as JSON lines: position, stream, version, type, tags, id, timestamp, data, metadata.",
        discussion: """
            Without a selection, reads the whole log by position (--from, --backward, --limit). \
            --stream S reads one stream by version (--from-version, --backward, --limit); a deleted stream is an error. \
            --category C and --type T read forward by position (both together: events matching both), starting at \
            --from P or at --since T (the first event committed at or after that ISO 8601 time), with --limit. \
            --since alone reads every event from that time on. \
            A tag query (DCB): --tag T (repeatable: events carrying every tag given) with --type X (repeatable: \
            events of any type given; none: any type), or --query QUERY_JSON for several items \
            ([{"types": [...], "tags": [...]}, ...]: events matching any item), read forward through the query \
            index, starting after --after P (default 0: from the start), at --from P or at --since T, with --limit. \
            --after, or --type given more than once, also make a tag query. \
            Refused: --stream with --from, --category, --type, --since, --tag, --after or --query; --from-version \
            without --stream; --since with --from; --backward with --category, --type, --since or a tag query; \
            --category with a tag query; --query with --tag or --type; more than one of --after, --from and --since.
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

    @Option(name: .customLong("type"), help: ArgumentHelp(
        "Read only events of this type; repeated (a tag query), events of any of the types given.", valueName: "type"))
    var types: [String] = []

    @Option(name: .customLong("tag"), help: ArgumentHelp(
        "A tag query: read only events carrying this tag; repeated, events carrying every tag given.", valueName: "tag"))
    var tags: [String] = []

    @Option(name: .long, help: "A tag query: read only events after this position (0: from the start).")
    var after: UInt64?

    @Option(name: .customLong("query"), help: ArgumentHelp(
        #"A tag query of several items, as JSON: [{"types": ["T"], "tags": ["course:c1"]}, ...] (an event matching any item)."#,
        valueName: "query-json"))
    var queryJSON: String?

    @Option(name: .long, help: "Start at the first event committed at or after this ISO 8601 time (e.g. 2026-01-31T12:00:00Z).")
    var since: String?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        _ = try selection()
    }

    func run() async throws {
        guard PosixFileSystem().exists(store.dir) else { throw CLIError("no store at \(store.dir)") }
        let query = try selection()
        let eventStore = try await store.openStoreReadOnly()
        try await StoreAccess.using(eventStore) { eventStore in
            var reader = EventReader(store: eventStore, limit: limit)
            try await reader.run(query)
        }
    }

    /// The read the options ask for, or a `ValidationError` saying which combination is refused.
    func selection() throws -> ReadQuery {
        let isTagQuery = !tags.isEmpty || after != nil || queryJSON != nil || types.count > 1
        if let stream {
            let conflicting = [from != nil ? "--from" : nil, category != nil ? "--category" : nil,
                               !types.isEmpty ? "--type" : nil, since != nil ? "--since" : nil, !tags.isEmpty ? "--tag" : nil,
                               after != nil ? "--after" : nil, queryJSON != nil ? "--query" : nil].compactMap { $0 }
            guard conflicting.isEmpty else {
                throw ValidationError("--stream cannot be combined with \(conflicting.joined(separator: ", ")) (a stream is read by version: use --from-version)")
            }
            guard !stream.isEmpty, stream.utf8.count <= StreamName.bytesMax else {
                throw ValidationError("--stream must be 1...\(StreamName.bytesMax) bytes of UTF-8")
            }
            return .stream(StreamName(stream), fromVersion: fromVersion, backward: backward)
        }
        guard fromVersion == nil else { throw ValidationError("--from-version needs --stream (use --from for a position)") }
        if isTagQuery { return try tagQuery() }
        guard category != nil || !types.isEmpty || since != nil else {
            return .all(from: from.map(LogPosition.init(rawValue:)), backward: backward)
        }
        guard !backward else { throw ValidationError("--backward works with a whole-log or --stream read, not with --category, --type or --since") }
        return .filtered(category: category, type: types.first, start: try start())
    }

    /// A tag query (`--tag`, `--query`, `--after`, or `--type` more than once).
    private func tagQuery() throws -> ReadQuery {
        guard category == nil else {
            throw ValidationError("--category cannot be combined with --tag, --after, --query or several --type (a tag query selects by types and tags)")
        }
        guard !backward else { throw ValidationError("--backward works with a whole-log or --stream read, not with a tag query") }
        let query: EventQuery
        if let queryJSON {
            guard tags.isEmpty && types.isEmpty else {
                throw ValidationError("give --query, or --tag and --type, not both (--query holds every item of the query)")
            }
            query = try QueryArgument.parse(queryJSON, option: "--query")
        } else {
            query = try QueryArgument.query(types: types, tags: tags)
        }
        return .tagged(query, start: try start())
    }

    /// Where a forward read starts: `--after`, `--from` or `--since` (at most one), by default the first event.
    private func start() throws -> ReadQuery.Start {
        let given = [after != nil ? "--after" : nil, from != nil ? "--from" : nil, since != nil ? "--since" : nil].compactMap { $0 }
        guard given.count <= 1 else { throw ValidationError("give one start (--after, --from or --since), not \(given.joined(separator: " and "))") }
        if let after { return .after(LogPosition(rawValue: after)) }
        guard let since else { return .position(LogPosition(rawValue: from ?? 1)) }
        guard let nanoseconds = Timestamps.parse(since) else {
            throw ValidationError("--since must be an ISO 8601 time such as 2026-01-31T12:00:00Z, 2026-01-31T12:00:00.250+01:00 or 2026-01-31; got \"\(since)\"")
        }
        return .since(nanoseconds: nanoseconds)
    }
}

/// What `annals read` reads.
enum ReadQuery: Equatable {
    enum Start: Equatable {
        case position(LogPosition)
        /// After this position (0: from the first event).
        case after(LogPosition)
        /// The first position committed at or after this time (nanoseconds since 1970).
        case since(nanoseconds: Int64)
    }

    /// Every event by position, from a position (default: the first, or the last backward).
    case all(from: LogPosition?, backward: Bool)
    /// One stream by version.
    case stream(StreamName, fromVersion: UInt64?, backward: Bool)
    /// Events of a category and/or a type (both nil: every event), forward from `start`.
    case filtered(category: String?, type: String?, start: Start)
    /// Events a tag query selects, forward from `start`, through the query index.
    case tagged(EventQuery, start: Start)
}
