/// What a read asks of the query index (`.qidx`): the events of a query, or of one key (a
/// category or an event type). It yields candidate positions per segment; the records decide.
enum IndexedSelection: Sendable {
    case query(EventQuery)
    case key(QueryKey)

    /// True when no index can narrow the read: it is a scan.
    var matchesEverything: Bool {
        if case .query(let query) = self { return query.matchesEverything }
        return false
    }

    /// Candidate positions in one segment, ascending and unique, from `postings` (a key's
    /// positions there, ascending). For a query: per item, the intersection of its tags'
    /// postings and of the union of its types' postings; then the union over the items.
    func candidates(_ postings: (QueryKey) -> [UInt64]) -> [UInt64] {
        switch self {
        case .key(let key):
            return postings(key)
        case .query(let query):
            precondition(!query.matchesEverything, "a query matching everything is a scan")
            var result: [UInt64] = []
            for item in query.items {
                var selected: [UInt64]?
                for tag in item.tags {
                    let found = postings(.tag(tag))
                    selected = selected.map { Self.intersection($0, found) } ?? found
                    if selected!.isEmpty { break }
                }
                if !item.types.isEmpty, selected?.isEmpty != true {
                    var ofTypes: [UInt64] = []
                    for type in item.types { ofTypes = Self.union(ofTypes, postings(.type(type))) }
                    selected = selected.map { Self.intersection($0, ofTypes) } ?? ofTypes
                }
                result = Self.union(result, selected ?? [])
            }
            return result
        }
    }

    /// The positions in both ascending lists.
    static func intersection(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result: [UInt64] = []
        var (i, j) = (0, 0)
        while i < a.count && j < b.count {
            if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else {
                result.append(a[i])
                i += 1
                j += 1
            }
        }
        return result
    }

    /// The positions in either ascending list, ascending, each once.
    static func union(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var result: [UInt64] = []
        result.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            let next: UInt64
            if j == b.count || (i < a.count && a[i] <= b[j]) { next = a[i]; i += 1 } else { next = b[j]; j += 1 }
            if result.last != next { result.append(next) }
        }
        return result
    }
}
