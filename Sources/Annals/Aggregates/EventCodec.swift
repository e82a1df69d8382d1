#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import AnnalsLog

/// Turns aggregate events into stored events and back: JSON payloads, the schema version in
/// the metadata, and upcasters that bring old payloads up to the current version on read.
///
/// Metadata is the JSON object `{"schemaVersion":N}`. An event without it (empty metadata, or
/// written by another tool) is at version 1.
public struct EventCodec<Event: AggregateEvent>: Sendable {
    /// Transforms a payload from one schema version to the next.
    public typealias Upcaster = @Sendable (JSONValue) throws -> JSONValue

    private struct Key: Hashable {
        var eventType: String
        var fromVersion: Int
    }

    private var upcasters: [Key: Upcaster] = [:]

    /// A codec with no upcasters.
    public init() {}

    /// Registers the step that turns an `eventType` payload at schema version `version` into
    /// one at `version + 1`. Reading applies the steps in turn up to the current version.
    public mutating func register(eventType: String, from version: Int, _ upcaster: @escaping Upcaster) {
        precondition(version >= 1, "schema versions start at 1")
        upcasters[Key(eventType: eventType, fromVersion: version)] = upcaster
    }

    /// The stored form of `event`, at its type's current schema version.
    public func encode(_ event: Event, id: UUID? = nil, timestamp: Date? = nil) throws(AggregateError) -> EventData {
        let type = event.eventType
        let version = Event.schemaVersion(of: type)
        precondition(version >= 1, "schema versions start at 1")
        let payload: Data
        do { payload = try Self.encoder.encode(event.payload) } catch {
            throw .encoding(.init("cannot encode the event: \(error)", eventType: type, eventID: id))
        }
        let metadata = Array(#"{"schemaVersion":\#(version)}"#.utf8)
        return EventData(id: id, type: type, data: Array(payload), metadata: metadata, timestamp: timestamp)
    }

    /// The event stored in `recorded`, upcast to its type's current schema version.
    /// A failure names the event: its type, stream, version, position and id.
    public func decode(_ recorded: RecordedEvent) throws(AggregateError) -> Event {
        let type = recorded.type
        let stored = Self.schemaVersion(inMetadata: recorded.metadata)
        let current = Event.schemaVersion(of: type)
        guard stored <= current else {
            throw .newerSchema(AggregateError.Context("the event is newer than this code").locating(recorded), version: stored, current: current)
        }
        var json = Data(recorded.data)
        do throws(AggregateError) {
            if stored < current { json = try upcast(json, eventType: type, from: stored, to: current) }
        } catch {
            throw error.locating(recorded)
        }
        do {
            return try Event.decode(eventType: type, payload: EventPayload(eventType: type, json: json))
        } catch let error as AggregateError {
            throw error.locating(recorded)
        } catch {
            throw .undecodable(AggregateError.Context("\(error)").locating(recorded))
        }
    }

    /// `json` brought from schema version `stored` to `current`, one registered step at a time.
    private func upcast(_ json: Data, eventType: String, from stored: Int, to current: Int) throws(AggregateError) -> Data {
        var value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: json) } catch {
            throw .undecodable(.init("\(error)", eventType: eventType))
        }
        for version in stored..<current {
            guard let step = upcasters[Key(eventType: eventType, fromVersion: version)] else {
                throw .missingUpcaster(.init("no upcaster is registered", eventType: eventType), fromVersion: version)
            }
            do { value = try step(value) } catch {
                throw .upcastFailed(.init("\(error)", eventType: eventType), fromVersion: version)
            }
        }
        do { return try Self.encoder.encode(value) } catch {
            throw .upcastFailed(.init("the upcast payload cannot be encoded: \(error)", eventType: eventType), fromVersion: current - 1)
        }
    }

    /// The schema version recorded in `metadata`; 1 when it is absent.
    static func schemaVersion(inMetadata metadata: [UInt8]) -> Int {
        if let version = exactSchemaVersion(metadata) { return version }
        guard !metadata.isEmpty, let decoded = try? JSONDecoder().decode(StoredMetadata.self, from: Data(metadata)) else { return 1 }
        return decoded.schemaVersion ?? 1
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension EventCodec {
    /// The version in metadata of exactly the form the codec writes, `{"schemaVersion":N}`,
    /// read without a JSON decoder (the common case, and the hot path of every load); nil for
    /// any other form, which then goes through the decoder.
    static func exactSchemaVersion(_ metadata: [UInt8]) -> Int? {
        let prefix = Array(#"{"schemaVersion":"#.utf8)
        guard metadata.count > prefix.count + 1, metadata.count <= prefix.count + 10,
              metadata.starts(with: prefix), metadata.last == UInt8(ascii: "}") else { return nil }
        var version = 0
        for byte in metadata[prefix.count..<(metadata.count - 1)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            version = version * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return version
    }
}

/// The part of an event's metadata the codec reads.
private struct StoredMetadata: Decodable {
    var schemaVersion: Int?
}
