import AnnalsLog

/// Which events a tag query selects (Dynamic Consistency Boundaries, docs/DCB.md).
///
/// A query is a list of items. An event matches an item when its type is one of the item's
/// types (an empty list means any type) and it carries every one of the item's tags; it matches
/// the query when it matches any item.
///
/// ```swift
/// let enrolments = EventQuery([
///     .init(types: ["CourseDefined", "CourseCapacityChanged"], tags: ["course:c1"]),
///     .init(types: ["StudentSubscribed"], tags: ["course:c1"]),
/// ])
/// let events = try await store.read(enrolments)
/// ```
public struct EventQuery: Sendable, Hashable {
    /// One alternative of a query: a set of event types (empty: any) and tags (all required).
    public struct Item: Sendable, Hashable {
        /// The event types the item accepts; empty accepts every type.
        public var types: [String]
        /// The tags an event must all carry; empty asks for none.
        public var tags: [String]

        /// An item accepting `types` (empty: any) and requiring every tag in `tags`.
        public init(types: [String] = [], tags: [String] = []) {
            self.types = types
            self.tags = tags
        }

        /// True for the item that every event matches (no types, no tags).
        var matchesEverything: Bool { types.isEmpty && tags.isEmpty }

        func matches(_ entry: LogEntry) -> Bool {
            (types.isEmpty || types.contains(entry.eventType)) && tags.allSatisfy(entry.tags.contains)
        }
    }

    /// The alternatives; an event matches the query when it matches any of them.
    public var items: [Item] { didSet { matcher = QueryMatcher(items) } }
    /// `items` compiled for matching records, kept in step with them.
    private var matcher: QueryMatcher

    /// A query matching any of `items`.
    public init(_ items: [Item]) {
        self.items = items
        matcher = QueryMatcher(items)
    }

    /// Queries are equal when their items are.
    public static func == (left: EventQuery, right: EventQuery) -> Bool { left.items == right.items }

    /// Hashes the items.
    public func hash(into hasher: inout Hasher) { hasher.combine(items) }

    /// A query of one item: events of one of `types` (empty: any) carrying every tag in `tags`.
    public init(types: [String] = [], tags: [String] = []) { self.init([Item(types: types, tags: tags)]) }

    /// The query every event matches.
    public static let all = EventQuery([Item()])

    /// True when some item matches every event, so the indexes cannot narrow the read.
    var matchesEverything: Bool { items.contains(where: \.matchesEverything) }

    /// Refuses a query with no items, or with a tag or type no event could carry.
    func validate() throws(EventStoreError) {
        guard !items.isEmpty else {
            throw .invalidArgument("a query needs at least one item (EventQuery.all matches every event)")
        }
        for item in items {
            for tag in item.tags { try EventTags.validate(tag) }
            for type in item.types where type.utf8.count > 1024 {
                throw .invalidArgument("event type \(type.prefix(40))… exceeds 1024 bytes")
            }
        }
    }

    /// True when the record is an event this query selects (its own bytes decide, so index
    /// hash collisions never leak through). Control records never match.
    func matches(_ view: RecordView) -> Bool {
        !ControlRecord.isControl(flags: view.flags) && matcher.matches(type: view.eventTypeBytes, tags: view.tagsBytes)
    }

    /// True when an entry about to be written is an event this query selects.
    func matches(_ entry: LogEntry) -> Bool {
        !ControlRecord.isControl(flags: entry.flags) && items.contains { $0.matches(entry) }
    }
}
