import AnnalsLog

/// Which events a subscription or filtered read passes. Matching reads only record headers.
public enum EventFilter: Sendable, Hashable {
    /// Every event.
    case all
    /// The events of one stream.
    case stream(StreamName)
    /// The events of every stream in a category (`order` matches `order-17`, and `order` itself).
    case category(String)
    /// Events of one type.
    case eventType(String)
    /// The events of every stream whose name starts with this prefix.
    case streamPrefix(String)
    /// The events a tag query selects (docs/DCB.md): any of its items' types and all of its tags.
    case query(EventQuery)

    /// How the query index serves this filter, or nil when it cannot (a scan).
    var indexedSelection: IndexedSelection? {
        switch self {
        case .category(let category): .key(.category(category))
        case .eventType(let type): .key(.type(type))
        case .query(let query): query.matchesEverything ? nil : .query(query)
        case .all, .stream, .streamPrefix: nil
        }
    }

    func matches(_ view: RecordView) -> Bool {
        switch self {
        case .all:
            return true
        case .stream(let name):
            return view.streamBytes.elementsEqual(name.rawValue.utf8)
        case .category(let category):
            let bytes = view.streamBytes
            let end = bytes.firstIndex(of: UInt8(ascii: "-")) ?? bytes.endIndex
            return bytes[..<end].elementsEqual(category.utf8)
        case .eventType(let type):
            return view.eventTypeBytes.elementsEqual(type.utf8)
        case .streamPrefix(let prefix):
            let bytes = view.streamBytes
            let wanted = prefix.utf8
            return bytes.count >= wanted.count && bytes.prefix(wanted.count).elementsEqual(wanted)
        case .query(let query):
            return query.matches(view)
        }
    }
}
