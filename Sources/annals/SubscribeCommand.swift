import AnnalsJSON
import Annals
import AnnalsLog
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `annals subscribe --dir D [--from P] [--category C | --type T | --stream S]`: follows the store
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
            changes the store.
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

    func validate() throws {
        let filters = [category, type, stream].compactMap { $0 }
        guard filters.count <= 1 else { throw ValidationError("give at most one of --category, --type and --stream") }
    }

    func run() async throws {
        let filter: EventFilter =
            if let category { .category(category) } else if let type { .eventType(type) } else if let stream { .stream(StreamName(stream)) } else { .all }
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
