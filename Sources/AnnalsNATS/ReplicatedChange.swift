public import Annals
public import AnnalsLog
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A message read back from JetStream: an event or a stream deletion, with the JetStream
/// stream sequence it was stored at.
public enum ReplicatedChange: Sendable, Equatable {
    /// An event, as the source store recorded it.
    case event(ReplicatedEvent)
    /// A stream deletion, and the JetStream stream sequence it was stored at.
    case deletion(StreamDeletion, sequence: UInt64)

    /// The JetStream stream sequence the message was stored at.
    public var sequence: UInt64 {
        switch self {
        case .event(let event): event.sequence
        case .deletion(_, let sequence): sequence
        }
    }

    /// The log position the change has in the source store.
    public var position: LogPosition {
        switch self {
        case .event(let event): event.position
        case .deletion(let deletion, _): deletion.position
        }
    }

    /// The event id, or the deletion record's id.
    public var id: UUID {
        switch self {
        case .event(let event): event.id
        case .deletion(let deletion, _): deletion.id
        }
    }

    /// True when `change` (a store's own record) is the one this message carries: the same
    /// kind, position and id.
    public func carries(_ change: StoreChange) -> Bool {
        switch (self, change) {
        case (.event(let replicated), .event(let local)): replicated.position == local.position && replicated.id == local.id
        case (.deletion(let replicated, _), .deletion(let local)): replicated == local
        default: false
        }
    }

    /// How an error message names it.
    var summary: String {
        switch self {
        case .event(let event): "event \(event.id.uuidString.lowercased()) at position \(event.position)"
        case .deletion(let deletion, _): StoreChange.deletion(deletion).summary
        }
    }
}

/// An event as read back from JetStream: everything `RecordedEvent` holds, plus the JetStream
/// stream sequence it was stored at.
public struct ReplicatedEvent: Sendable, Equatable {
    /// The JetStream stream sequence it was stored at.
    public var sequence: UInt64
    /// Its position in the source store's log.
    public var position: LogPosition
    /// Its stream.
    public var stream: StreamName
    /// Its version in its stream.
    public var version: UInt64
    /// Its event id.
    public var id: UUID
    /// Its event type.
    public var type: String
    /// Its commit time in the source store, in nanoseconds since 1970-01-01 UTC.
    public var timestampNanoseconds: Int64
    /// Its payload bytes.
    public var data: [UInt8]
    /// Its metadata bytes.
    public var metadata: [UInt8]
    /// Its tags, in order.
    public var tags: [String] = []
}
