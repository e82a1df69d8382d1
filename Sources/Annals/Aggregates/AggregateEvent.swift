#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import AnnalsLog

/// An event an aggregate is made of, with an explicit, stable type name per case.
///
/// The type name is what the log stores and what other programs see, so it is spelled out by
/// hand, never derived from a Swift type name (renaming a Swift type must not orphan history).
/// The payload is stored as JSON.
///
/// ```swift
/// enum ProductEvent: AggregateEvent {
///     case restocked(Restocked)
///     case sold(Sold)
///
///     var eventType: String {
///         switch self { case .restocked: "ProductRestocked"; case .sold: "ProductSold" }
///     }
///     var payload: any Encodable & Sendable {
///         switch self { case .restocked(let e): e; case .sold(let e): e }
///     }
///     static func decode(eventType: String, payload: EventPayload) throws -> ProductEvent {
///         switch eventType {
///         case "ProductRestocked": .restocked(try payload.decode())
///         case "ProductSold": .sold(try payload.decode())
///         default: throw payload.unknownType()
///         }
///     }
/// }
/// ```
public protocol AggregateEvent: Sendable {
    /// The stable name of this event's type, stored in each record (such as `ProductRestocked`).
    var eventType: String { get }

    /// The value stored as this event's JSON payload.
    var payload: any Encodable & Sendable { get }

    /// Rebuilds an event of type `eventType` from its payload, already upcast to the current
    /// schema version. Throw `payload.unknownType()` for a type this enum does not know.
    static func decode(eventType: String, payload: EventPayload) throws -> Self

    /// The schema version each event type's payload is written at now. Defaults to 1. When it
    /// is raised, register an upcaster from each older version (`EventCodec.register`).
    static func schemaVersion(of eventType: String) -> Int
}

extension AggregateEvent {
    public static func schemaVersion(of eventType: String) -> Int { 1 }
}

/// A stored event's JSON payload, handed to `AggregateEvent.decode` to rebuild the event.
public struct EventPayload: Sendable {
    /// The event type the payload was stored under.
    public let eventType: String
    /// The payload's JSON bytes, at the current schema version.
    public let json: Data

    /// A payload of type `eventType` holding `json`.
    public init(eventType: String, json: Data) {
        self.eventType = eventType
        self.json = json
    }

    /// Decodes the payload as `Value`.
    public func decode<Value: Decodable>(_ type: Value.Type = Value.self) throws -> Value {
        try JSONDecoder().decode(Value.self, from: json)
    }

    /// The error to throw for an event type the aggregate does not know. `EventCodec.decode`
    /// adds where the event is stored to its context.
    public func unknownType() -> AggregateError {
        .unknownEventType(.init("no case of the aggregate's event enum has this type", eventType: eventType))
    }
}
