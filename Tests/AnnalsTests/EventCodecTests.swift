import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals
import AnnalsLog

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

/// What the test upcaster throws for a payload it cannot convert.
struct UpcastRefused: Error {}

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

    /// Proves a v1 event without a registered upcaster fails with a typed error naming the
    /// schema version and the stored event: its type, stream, version, position and id.
    @Test func missingUpcasterIsTyped() async throws {
        try await withStore { store, _ in
            let appended = try await store.append(to: "basket-1", [EventData(type: "ItemAdded", data: Array(#"{"qty":3}"#.utf8))])
            let stored = try #require(try await store.read(stream: "basket-1").first)
            let error = await #expect(throws: AggregateError.self) { try await Repository<Basket>(store: store).load(id: "1") }
            #expect(error == .missingUpcaster(.init("no upcaster is registered", eventType: "ItemAdded", stream: "basket-1", version: 0,
                                                    position: appended.positions.lowerBound, eventID: stored.id), fromVersion: 1))
            #expect(error?.code == .missingUpcaster)
            #expect(error?.eventID == stored.id && error?.position == stored.position)
            #expect("\(error!)".contains("type ItemAdded, stream basket-1, version 0"), "\(error!)")
        }
    }

    /// Proves events from a newer schema, of an unknown type, with a bad payload, or whose
    /// upcaster throws fail with typed errors: the code, and a context naming the stored event.
    @Test(arguments: [
        ("ItemAdded", #"{"quantity":1,"unit":"x"}"#, #"{"schemaVersion":3}"#, AggregateError.Code.newerSchema),
        ("ItemRemoved", #"{}"#, #"{"schemaVersion":1}"#, .unknownEventType),
        ("ItemAdded", #"{"quantity":"one"}"#, #"{"schemaVersion":2}"#, .undecodable),
        ("ItemAdded", #"{"qty":"many"}"#, #"{"schemaVersion":1}"#, .upcastFailed),
    ])
    func badStoredEventsAreTyped(type: String, data: String, metadata: String, expected: AggregateError.Code) async throws {
        try await withStore { store, _ in
            try await store.append(to: "basket-0", Fixtures.events(2))
            try await store.append(to: "basket-1", [EventData(type: type, data: Array(data.utf8), metadata: Array(metadata.utf8))])
            var codec = BasketEvent.codec
            codec.register(eventType: "ItemAdded", from: 1) { old in  // refuses what it cannot convert
                guard case .integer? = old["qty"] else { throw UpcastRefused() }
                var new = old
                new["quantity"] = old["qty"]
                new["qty"] = nil
                new["unit"] = .string("piece")
                return new
            }
            let error = await #expect(throws: AggregateError.self) { try await Repository<Basket>(store: store, codec: codec).load(id: "1") }
            #expect(error?.code == expected)
            #expect(error?.eventType == type && error?.stream == "basket-1" && error?.version == 0)
            #expect(error?.position == LogPosition(3), "the event after basket-0's two")
            #expect(error?.eventID != nil)
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
