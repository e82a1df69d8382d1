import Annals
import ArgumentParser
import Foundation

/// `annals subscribe --dir D [--from P] [--category C] [--type T] [--stream S]`: follows the store
/// live and writes one JSON line per event until interrupted.
struct SubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Follow the store and print events as JSON lines until interrupted.")

    @Option(name: .long, help: "The store directory.")
    var dir: String

    @Option(name: .long, help: "Start at this position (default: only new events).")
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
        let store = try await EventStore.open(directory: dir)
        let filter: EventFilter =
            if let category { .category(category) } else if let type { .eventType(type) } else if let stream { .stream(StreamName(stream)) } else { .all }
        let start: SubscriptionStart = from.map { .position(LogPosition($0)) } ?? .end
        for try await event in try store.subscribe(from: start, filter: filter) {
            // print() buffers stdout when it is a pipe; write the line through at once instead.
            FileHandle.standardOutput.write(Data((try JSONLine.encode(EventLine(event)) + "\n").utf8))
        }
        try await store.close()
    }
}

/// One event as a JSON line: data and metadata as text when they are UTF-8, else base64.
struct EventLine: Encodable {
    var position: UInt64
    var stream: String
    var version: UInt64
    var type: String
    var id: String
    var timestamp: String
    var data: String
    var metadata: String
    var encoding: String

    init(_ event: RecordedEvent) {
        position = event.position.rawValue
        stream = event.stream.rawValue
        version = event.version
        type = event.type
        id = event.id.uuidString.lowercased()
        timestamp = JSONLine.iso8601(event.timestampNanoseconds)
        let text = String(validating: event.data, as: UTF8.self)
        let metaText = String(validating: event.metadata, as: UTF8.self)
        if let text, let metaText {
            (data, metadata, encoding) = (text, metaText, "utf8")
        } else {
            (data, metadata, encoding) = (Data(event.data).base64EncodedString(), Data(event.metadata).base64EncodedString(), "base64")
        }
    }
}
