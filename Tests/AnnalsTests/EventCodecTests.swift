import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals

/// Version 2 of a basket: `ItemAdded` was `{"qty": n}` at schema version 1 and is
/// `{"quantity": n, "unit": "piece"}` at version 2.
struct Basket: Aggregate, Equatable {
    static let category = "basket"
    var lines: [BasketEvent.ItemAdded] = []
    mutating func apply(_ event: BasketEvent) {
        if case .itemAdded(let item) = event { lines.append(item) }
    }
}

enum BasketEvent: AggregateEvent, Equatable {
    case itemAdded(ItemAdded)
    struct ItemAdded: Codable, Equatable, Sendable {
        var quantity: Int
        var unit: String
    }

    var eventType: String { "ItemAdded" }
    var payload: any Encodable & Sendable {
        switch self { case .itemAdded(let item): item }
    }
    static func decode(eventType: String, payload: EventPayload) throws -> BasketEvent {
        switch eventType {
        case "ItemAdded": .itemAdded(try payload.decode())
        default: throw payload.unknownType()
        }
    }
    static func schemaVersion(of eventType: String) -> Int { eventType == "ItemAdded" ? 2 : 1 }

    /// The upcaster from version 1: renames `qty` and adds the unit.
    static var codec: EventCodec<BasketEvent> {
        var codec = EventCodec<BasketEvent>()
        codec.register(eventType: "ItemAdded", from: 1) { old in
            var new = old
            new["quantity"] = old["qty"]
            new["qty"] = nil
            new["unit"] = .string("piece")
            return new
        }
        return codec
    }
}

@Suite(.timeLimit(.minutes(10))) struct EventCodecTests {
    /// Proves v1 events (with and without schema metadata) read back as v2 through the upcaster, beside native v2 events.
    @Test func v1EventsReadBackAsV2() async throws {
        try await withStore { store, _ in
            try await store.append(to: "basket-1", [
                EventData(type: "ItemAdded", data: Array(#"{"qty":3}"#.utf8), metadata: Array(#"{"schemaVersion":1}"#.utf8)),
                EventData(type: "ItemAdded", data: Array(#"{"qty":5}"#.utf8)),
            ])
            let baskets = Repository<Basket>(store: store, codec: BasketEvent.codec)
            let loaded = try await baskets.load(id: "1")
            _ = try await baskets.save([.itemAdded(.init(quantity: 7, unit: "kg"))], to: loaded)
            let lines = try await baskets.load(id: "1").state.lines
            #expect(lines == [.init(quantity: 3, unit: "piece"), .init(quantity: 5, unit: "piece"), .init(quantity: 7, unit: "kg")])
            let stored = try await store.read(stream: "basket-1")
            #expect(String(decoding: stored[2].metadata, as: UTF8.self) == #"{"schemaVersion":2}"#)
            #expect(String(decoding: stored[0].data, as: UTF8.self) == #"{"qty":3}"#, "upcasting never rewrites history")
        }
    }

    /// Proves a v1 event without a registered upcaster fails with a typed error naming the type and version.
    @Test func missingUpcasterIsTyped() async throws {
        try await withStore { store, _ in
            try await store.append(to: "basket-1", [EventData(type: "ItemAdded", data: Array(#"{"qty":3}"#.utf8))])
            await #expect(throws: AggregateError.missingUpcaster(eventType: "ItemAdded", fromVersion: 1)) {
                try await Repository<Basket>(store: store).load(id: "1")
            }
        }
    }

    /// Proves events from a newer schema, of an unknown type, or with a bad payload fail with typed errors.
    @Test(arguments: [
        ("ItemAdded", #"{"quantity":1,"unit":"x"}"#, #"{"schemaVersion":3}"#, "newerSchema"),
        ("ItemRemoved", #"{}"#, #"{"schemaVersion":1}"#, "unknownEventType"),
        ("ItemAdded", #"{"quantity":"one"}"#, #"{"schemaVersion":2}"#, "undecodable"),
    ])
    func badStoredEventsAreTyped(type: String, data: String, metadata: String, expected: String) async throws {
        try await withStore { store, _ in
            try await store.append(to: "basket-1", [EventData(type: type, data: Array(data.utf8), metadata: Array(metadata.utf8))])
            do {
                _ = try await Repository<Basket>(store: store, codec: BasketEvent.codec).load(id: "1")
                Issue.record("a bad event loaded")
            } catch let error as AggregateError {
                let name = switch error {
                case .newerSchema: "newerSchema"
                case .unknownEventType: "unknownEventType"
                case .undecodable: "undecodable"
                default: "\(error)"
                }
                #expect(name == expected)
            }
        }
    }

    /// Proves the stored type name is the explicit one, not the Swift type's name.
    @Test func typeNamesAreExplicit() throws {
        let data = try EventCodec<TallyEvent>().encode(.cleared(.init()))
        #expect(data.type == "TallyCleared")
        #expect(String(decoding: data.data, as: UTF8.self) == "{}")
    }
}

@Suite(.timeLimit(.minutes(10))) struct EventCodecMetadataTests {
    /// Proves the schema version is read the same by the fast path and the JSON decoder, for the codec's own form and for others.
    @Test(arguments: [
        (#"{"schemaVersion":1}"#, 1), (#"{"schemaVersion":12}"#, 12), ("", 1), (#"{"schemaVersion": 3}"#, 3),
        (#"{"other":1,"schemaVersion":4}"#, 4), (#"{"other":1}"#, 1), ("not json", 1), (#"{"schemaVersion":}"#, 1),
    ])
    func schemaVersionInMetadata(metadata: String, expected: Int) {
        #expect(EventCodec<TallyEvent>.schemaVersion(inMetadata: Array(metadata.utf8)) == expected)
    }
}
