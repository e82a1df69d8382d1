import AnnalsLog

/// A term of the query index (`.qidx`, docs/FORMAT.md §7): an event type, a stream category or
/// a tag. Each has its own domain, so a tag and a type with the same spelling are different keys.
struct QueryKey: Hashable, Sendable {
    enum Domain: UInt8, Sendable {
        case type = 1
        case category = 2
        case tag = 3
    }

    var domain: Domain
    var name: String

    static func type(_ name: String) -> QueryKey { QueryKey(domain: .type, name: name) }
    static func category(_ name: String) -> QueryKey { QueryKey(domain: .category, name: name) }
    static func tag(_ name: String) -> QueryKey { QueryKey(domain: .tag, name: name) }

    /// The category of `stream`: its name up to the first `-`, or all of it (EventFilter.category).
    static func category(ofStream stream: String) -> QueryKey {
        guard let dash = stream.utf8.firstIndex(of: UInt8(ascii: "-")) else { return .category(stream) }
        return .category(String(stream[..<dash]))
    }

    /// The key hash of `stream`'s category, straight from its UTF-8 bytes (no `String` is made
    /// for the prefix): equal to `category(ofStream: stream).hash(function)`.
    static func categoryHash(ofStream stream: String, _ function: StreamHash) -> UInt64 {
        var stream = stream
        return stream.withUTF8 { bytes in
            let end = bytes.firstIndex(of: UInt8(ascii: "-")) ?? bytes.count
            return mixed(function(utf8: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<end]))), domain: .category)
        }
    }

    /// The key hash of the event type whose UTF-8 bytes are `type`'s: equal to `QueryKey.type(type).hash(function)`.
    static func typeHash(_ type: String, _ function: StreamHash) -> UInt64 {
        var type = type
        return type.withUTF8 { bytes in mixed(function(utf8: UnsafeRawBufferPointer(bytes)), domain: .type) }
    }

    private static func mixed(_ nameHash: UInt64, domain: Domain) -> UInt64 {
        StreamHash.mix(nameHash ^ (UInt64(domain.rawValue) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The persisted 64-bit key: the stream hash of the name, mixed with the domain. It must
    /// never change. Collisions are harmless: every hit is checked against the record itself.
    func hash(_ function: StreamHash) -> UInt64 {
        Self.mixed(function(name), domain: domain)
    }
}
