import AnnalsJSON
import Annals
import AnnalsLog
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `annals subscribe --dir D [--from P] [--category C | --type T | --stream S | --tag T... [--type T] | --query Q]`: follows the store
/// and writes one JSON line per event (the `annals read` format) until interrupted.
struct SubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Follow the store and write events as JSON lines until interrupted.",
        discussion: """
            Writes the events from --from on (default: only new ones) in the `annals read` line format, then \
            follows live appends. SIGINT or SIGTERM ends it cleanly with exit status 0. \
            It opens the store read-only, so it runs beside the writer (`annals append`, or a service that \
            links Annals) and follows its appends as they become durable, polling every millisecond; it never \
            changes the store. \
            --tag T (repeatable: events carrying every tag given, with --type: of that type) or --query QUERY_JSON \
            ([{"types": [...], "tags": [...]}, ...]) follow a tag query, as `annals read` takes them.
            """)

    @Option(name: .long, help: "The store directory.")
    var dir: String

    @Option(name: .long, help: "Start at this position (default: only events appended from now on).")
    var from: UInt64?

    @Option(name: .long, help: "Only events of streams in this category (the prefix before the first '-').")
    var category: String?

    @Option(name: .long, help: "Only events of this type.")
    var type: String?

    @Option(name: .long, help: "Only events of this stream.")
    var stream: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp(
        "Only events carrying this tag; repeated, events carrying every tag given (with --type: of that type).", valueName: "tag"))
    var tags: [String] = []

    @Option(name: .customLong("query"), help: ArgumentHelp(
        #"Only events a tag query selects, as JSON: [{"types": ["T"], "tags": ["course:c1"]}, ...]."#, valueName: "query-json"))
    var queryJSON: String?

    func validate() throws {
        let filters = [category, tags.isEmpty ? type : "--tag", stream, queryJSON].compactMap { $0 }
        guard filters.count <= 1, queryJSON == nil || type == nil else {
            throw ValidationError("give at most one of --category, --type, --stream, --tag (with --type) and --query")
        }
        _ = try filter()
    }

    /// The subscription's filter, or a `ValidationError` for a bad tag or query.
    func filter() throws -> EventFilter {
        if let queryJSON { return .query(try QueryArgument.parse(queryJSON, option: "--query")) }
        if !tags.isEmpty { return .query(try QueryArgument.query(types: type.map { [$0] } ?? [], tags: tags)) }
        if let category { return .category(category) }
        if let type { return .eventType(type) }
        if let stream { return .stream(StreamName(stream)) }
        return .all
    }

    func run() async throws {
        let filter = try filter()
        let start: SubscriptionStart = from.map { .position(LogPosition(rawValue: $0)) } ?? .end
        // Signals become a cancellation; installed before the store opens, so an early signal
        // is not lost either (it is queued until the handlers run).
        let stop = InterruptSignals([SIGINT, SIGTERM])
        signal(SIGPIPE, SIG_IGN)  // a reader that goes away is a write error, handled below
        let store = try await StoreAccess.openExisting(dir)
        try await StoreAccess.using(store) { store in
            let subscription: Subscription
            do { subscription = try store.subscribe(from: start, filter: filter) } catch { throw CLIError("cannot subscribe: \(error)") }
            let follow = Task {
                var writer = JSONWriter()
                for try await event in subscription {
                    guard StandardIO.write(RecordJSON.line(event, writer: &writer)) else { return }
                }
            }
            stop.onSignal { follow.cancel() }
            do { try await follow.value } catch { throw CLIError("subscription failed: \(error)") }
        }
        stop.cancel()
    }
}
