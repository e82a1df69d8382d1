import Annals
import AnnalsLog
import Foundation

/// The synthetic store in Annals, durable (`.always`), written in atomic batches of 1,000
/// events (100 streams of ten) before any timing.
enum AnnalsFixture {
    static let buildBatch = 1000

    static func open(_ directory: String) async throws -> EventStore {
        try await EventStore.open(directory: directory, options: EventStoreOptions(log: LogOptions(durability: .always)))
    }

    static func build(_ directory: String, events: Int) async throws -> EventStore {
        let store = try await open(directory)
        var start = 0
        while start < events {
            let end = min(start + buildBatch, events)
            var appends: [StreamAppend] = []
            for i in start..<end {
                let event = SyntheticEvents.event(i)
                let data = EventData(type: event.type, data: event.payload, tags: event.tags)
                if appends.last?.stream.description == event.stream {
                    appends[appends.count - 1].events.append(data)
                } else {
                    appends.append(StreamAppend(stream: StreamName(event.stream), events: [data]))
                }
            }
            try await store.append(appends)
            start = end
        }
        guard store.lastPosition?.rawValue == UInt64(events) else {
            throw BenchFailure("the Annals store holds up to position \(String(describing: store.lastPosition)), not \(events)")
        }
        return store
    }
}
