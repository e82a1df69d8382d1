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

    /// The persisted 64-bit key: the stream hash of the name, mixed with the domain. It must
    /// never change. Collisions are harmless: every hit is checked against the record itself.
    func hash(_ function: StreamHash) -> UInt64 {
        StreamHash.mix(function(name) ^ (UInt64(domain.rawValue) &* 0x9E37_79B9_7F4A_7C15))
    }
}
