#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import AnnalsLog

/// An event to append: an id, a type, and opaque data and metadata bytes.
public struct EventData: Sendable, Equatable {
    /// The event's identity, used for idempotent appends. A new UUIDv7 unless given.
    public var id: UUID
    /// The event type, such as `OrderPlaced`: 0 to 1024 bytes of UTF-8.
    public var type: String
    /// The payload: opaque bytes, usually JSON (see ``json(_:type:id:metadata:tags:)``).
    public var data: [UInt8]
    /// Opaque bytes stored beside the payload, such as a correlation id; often empty.
    public var metadata: [UInt8]
    /// Tags such as `student:s7` or `course:c1`, which tag queries and append conditions
    /// select by (<doc:DynamicConsistencyBoundaries>): at most 32, each 1 to 255 bytes of UTF-8,
    /// none twice. Stored in the record, in this order.
    public var tags: [String]
    /// The most tags one event may carry (the log's limit, FORMAT.md §3 "Tags").
    public static let tagsMax = 32
    /// The most UTF-8 bytes in one tag; a tag has at least one.
    public static let tagBytesMax = 255
    /// The time to record for the event, in nanoseconds since 1970-01-01 UTC, for importing or
    /// backdating history; nil means the commit time. The log keeps time non-decreasing: it
    /// stores the later of this and the previous record's timestamp, so write backdated history
    /// in time order. Stored exactly, so a copied event keeps its original time to the nanosecond.
    public var timestampNanoseconds: Int64?

    /// `timestampNanoseconds` as a `Date` (a `Date` near today resolves about 240 ns, so setting
    /// it rounds down to a nanosecond value on that grid).
    public var timestamp: Date? {
        get { timestampNanoseconds.map { Date(timeIntervalSince1970: Double($0) / 1_000_000_000) } }
        set { timestampNanoseconds = newValue.map(EventStore.nanoseconds) }
    }

    /// An event of `type` with `data` and `metadata`, its id `id` or a new UUIDv7, and the time
    /// `timestamp` or, when nil, the commit time.
    public init(id: UUID? = nil, type: String, data: [UInt8], metadata: [UInt8] = [], tags: [String] = [], timestamp: Date? = nil) {
        self.id = id ?? UUIDv7.generate()
        self.type = type
        self.data = data
        self.metadata = metadata
        self.tags = tags
        self.timestampNanoseconds = timestamp.map(EventStore.nanoseconds)
    }

    /// An event stamped with an exact time in nanoseconds since 1970 (see `timestampNanoseconds`).
    public init(id: UUID? = nil, type: String, data: [UInt8], metadata: [UInt8] = [], tags: [String] = [], timestampNanoseconds: Int64) {
        self.init(id: id, type: type, data: data, metadata: metadata, tags: tags)
        self.timestampNanoseconds = timestampNanoseconds
    }

    /// An event of type `type` whose data is `value` encoded as JSON (keys sorted).
    ///
    /// The type is what the log stores and what readers and other programs match on, so it is
    /// named explicitly, never taken from a Swift type name that a rename would change.
    public static func json<Value: Encodable>(
        _ value: Value, type: String, id: UUID? = nil, metadata: [UInt8] = [], tags: [String] = []
    ) throws(EventStoreError) -> EventData {
        var event = try encoded(value, type: type, id: id, metadata: metadata)
        event.tags = tags
        return event
    }

    /// Deprecated: without `type`, the stored event type was the Swift type's name, so renaming
    /// the type silently changed what new events are called.
    @available(*, deprecated, message: "name the stored event type: json(_:type:id:metadata:tags:)")
    public static func json<Value: Encodable>(
        _ value: Value, id: UUID? = nil, metadata: [UInt8] = []
    ) throws(EventStoreError) -> EventData {
        try encoded(value, type: String(describing: Value.self), id: id, metadata: metadata)
    }

    private static func encoded<Value: Encodable>(
        _ value: Value, type: String, id: UUID?, metadata: [UInt8]
    ) throws(EventStoreError) -> EventData {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes: [UInt8]
        do { bytes = Array(try encoder.encode(value)) } catch {
            throw .invalidArgument("cannot encode \(Value.self) as JSON: \(error)")
        }
        return EventData(id: id, type: type, data: bytes, metadata: metadata)
    }
}

extension UUID {
    /// The id as the log stores it: its 16 bytes in order (two big-endian words, no arrays).
    var eventID: EventID {
        withUnsafeBytes(of: uuid) { raw in
            EventID(high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                    low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    init(_ id: EventID) {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: id.high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: id.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        self.init(uuid: bytes)
    }
}
