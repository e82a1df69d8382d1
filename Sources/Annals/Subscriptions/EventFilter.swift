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
        }
    }
}
