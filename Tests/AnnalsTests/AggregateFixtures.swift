import AnnalsTestSupport
import Foundation
import Logging
@testable import Annals
import AnnalsLog

/// A test aggregate whose state records the order of its events, so any fold that skips,
/// repeats or reorders an event gives a different state.
struct Tally: Aggregate, Equatable {
    static let category = "tally"
    var total = 0
    var history: [Int] = []

    mutating func apply(_ event: TallyEvent) {
        switch event {
        case .added(let added):
            total += added.amount
            history.append(added.amount)
        case .cleared:
            total = 0
            history.append(0)
        }
    }
}

/// `Tally` with a snapshot every 5 events, in its own category.
struct TallyEvery5: Aggregate, Equatable {
    static let category = "tally5"
    static let snapshotInterval: Int? = 5
    var inner = Tally()
    mutating func apply(_ event: TallyEvent) { inner.apply(event) }
}

enum TallyEvent: AggregateEvent, Equatable {
    case added(Added)
    case cleared(Cleared)

    struct Added: Codable, Equatable, Sendable { var amount: Int }
    struct Cleared: Codable, Equatable, Sendable {}

    var eventType: String {
        switch self {
        case .added: "TallyAdded"
        case .cleared: "TallyCleared"
        }
    }

    var payload: any Encodable & Sendable {
        switch self {
        case .added(let added): added
        case .cleared(let cleared): cleared
        }
    }

    static func decode(eventType: String, payload: EventPayload) throws -> TallyEvent {
        switch eventType {
        case "TallyAdded": .added(try payload.decode())
        case "TallyCleared": .cleared(try payload.decode())
        default: throw payload.unknownType()
        }
    }

    /// A random event: mostly additions, sometimes a clear.
    static func random(using random: inout SeededRandom) -> TallyEvent {
        Int.random(in: 0..<10, using: &random) == 0 ? .cleared(Cleared()) : .added(Added(amount: Int.random(in: -50...100, using: &random)))
    }
}

/// A log handler that keeps every message, to check what the library reports.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { lock.withLock { recorded } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = "\(event.level) \(event.message) \(event.metadata ?? [:])"
        lock.withLock { recorded.append(text) }
    }

    /// Options whose logger writes into this handler.
    func options() -> EventStoreOptions {
        EventStoreOptions(log: LogOptions(durability: .none, logger: Logger(label: "test", factory: { _ in self })))
    }
}
