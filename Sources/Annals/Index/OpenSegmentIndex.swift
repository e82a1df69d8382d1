import AnnalsLog

/// A stream event's place: its version and global position.
struct VersionedPosition: Sendable, Equatable {
    var version: UInt64
    var position: LogPosition
}

/// The in-memory index of a segment the log is still writing. When the segment is full it is
/// written out as `.sidx`, `.eidx`, `.tidx` and `.qidx` files and dropped.
///
/// Records may be noted out of position order (concurrent appends finish in any order), but the
/// events of one stream arrive in version order, because appends to one stream are serialized.
struct OpenSegmentIndex: Sendable {
    /// One time-index entry per this many positions (counted from the segment base).
    static let timeIndexIntervalRecords: UInt64 = 64

    let base: LogPosition
    private(set) var streams: [String: [VersionedPosition]] = [:]
    private(set) var ids: EventIDTable
    /// (timestamp, position), sorted by position.
    private(set) var times: [(timestamp: Int64, position: LogPosition)] = []
    /// Each query key hash's positions, ascending (records are noted in position order).
    private(set) var queryKeys = PostingsTable()
    /// The last event type and stream noted, with their key hashes: the events of a batch
    /// usually share them, so most notes hash nothing.
    private var lastType: (name: String, hash: UInt64)?
    private var lastCategory: (stream: String, hash: UInt64)?

    /// An empty index; `expectedRecords` sizes its tables, so a segment indexed in one pass
    /// (on open) never regrows them.
    init(base: LogPosition, expectedRecords: Int = 1024, indexingIDs: Bool = true) {
        self.base = base
        ids = EventIDTable(capacity: indexingIDs ? expectedRecords : 16)
        streams.reserveCapacity(expectedRecords / 4)
    }

    /// True when `position` needs a time-index entry.
    func wantsTimeEntry(_ position: LogPosition) -> Bool {
        precondition(position >= base, "a record before the segment base")
        return (position.rawValue - base.rawValue) % Self.timeIndexIntervalRecords == 0
    }

    /// Notes an event's stream entry, its query keys (type, category, tags; hashed with `hash`)
    /// and, with `indexingID`, its id. Control records belong to no index but time. A read-only
    /// store passes false: ids serve only the writer's idempotency checks, and a reader never
    /// writes this index out.
    mutating func note(_ record: IndexedRecord, hash: StreamHash, indexingID: Bool = true) {
        precondition(record.position >= base, "a record before the segment base")
        guard !record.isControl else { return }
        streams[record.stream, default: []].append(VersionedPosition(version: record.version, position: record.position))
        if indexingID { ids.insert(record.id, at: record.position) }
        let position = record.position.rawValue
        if lastType?.name != record.eventType { lastType = (record.eventType, QueryKey.type(record.eventType).hash(hash)) }
        queryKeys.append(position, to: lastType!.hash)
        if lastCategory?.stream != record.stream { lastCategory = (record.stream, QueryKey.category(ofStream: record.stream).hash(hash)) }
        queryKeys.append(position, to: lastCategory!.hash)
        for tag in record.tags { queryKeys.append(position, to: QueryKey.tag(tag).hash(hash)) }
    }

    /// The positions after `after` of events whose query key hashes to `keyHash`, ascending
    /// (with any event under another key of the same hash; the caller checks each record).
    func positions(ofKeyHash keyHash: UInt64, after: UInt64) -> ArraySlice<UInt64> {
        guard let all = queryKeys.positions(of: keyHash) else { return [] }
        guard let first = all.first, first <= after else { return all[...] }
        var (low, high) = (0, all.count)  // all[..<low] <= after < all[high...]
        while low < high {
            let middle = (low + high) / 2
            if all[middle] <= after { low = middle + 1 } else { high = middle }
        }
        return all[low...]
    }

    mutating func noteTime(_ timestamp: Int64, at position: LogPosition) {
        precondition(wantsTimeEntry(position), "time entries are sparse")
        let index = times.firstIndex { $0.position > position } ?? times.endIndex
        times.insert((timestamp, position), at: index)
    }

    /// Appends to `found` the stream's entries with versions in `versions`, in version order.
    func appendEntries(of stream: String, versions: ClosedRange<UInt64>, to found: inout [VersionedPosition]) {
        guard let entries = streams[stream] else { return }
        for entry in entries where versions.contains(entry.version) { found.append(entry) }
    }

    /// The last time entry strictly before `timestamp`, or nil if none.
    func lastTimeEntry(before timestamp: Int64) -> LogPosition? {
        times.last { $0.timestamp < timestamp }?.position
    }

    var firstTimestamp: Int64? { times.first.map(\.timestamp) }

    /// The four derived files' bytes for this segment, which ends before `end`.
    func encodeFiles(end: LogPosition, hash: StreamHash) -> [DerivedIndexKind: [UInt8]] {
        [
            .stream: encodeStreams(end: end, hash: hash),
            .query: encodeQueryKeys(end: end, hash: hash),
            .eventID: encodeIDs(end: end),
            .time: DerivedIndexFile.encode(kind: .time, hashKind: 0, base: base, end: end,
                                           entries: times.flatMap { [UInt64(bitPattern: $0.timestamp), $0.position.rawValue] },
                                           filter: nil),
        ]
    }

    private func encodeStreams(end: LogPosition, hash: StreamHash) -> [UInt8] {
        var filter = BloomFilter(keys: streams.count)
        var rows: [(UInt64, UInt64, UInt64)] = []
        rows.reserveCapacity(streams.values.reduce(0) { $0 + $1.count })
        for (name, entries) in streams {
            let key = hash(name)
            filter.insert(key)
            for entry in entries { rows.append((key, entry.version, entry.position.rawValue)) }
        }
        rows.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        return DerivedIndexFile.encode(kind: .stream, hashKind: hash.kind, base: base, end: end,
                                       entries: rows.flatMap { [$0.0, $0.1, $0.2] }, filter: filter)
    }

    private func encodeQueryKeys(end: LogPosition, hash: StreamHash) -> [UInt8] {
        var filter = BloomFilter(keys: queryKeys.count)
        var rows: [(UInt64, UInt64)] = []
        rows.reserveCapacity(queryKeys.lists.reduce(0) { $0 + $1.count })
        for (key, positions) in zip(queryKeys.keys, queryKeys.lists) {
            filter.insert(key)
            for position in positions { rows.append((key, position)) }
        }
        // Keys that share a hash share one list, which holds each position once.
        rows.sort { $0 < $1 }
        return DerivedIndexFile.encode(kind: .query, hashKind: hash.kind, base: base, end: end,
                                       entries: rows.flatMap { [$0.0, $0.1] }, filter: filter)
    }

    private func encodeIDs(end: LogPosition) -> [UInt8] {
        var filter = BloomFilter(keys: ids.count)
        var rows: [(UInt64, UInt64, UInt64)] = []
        rows.reserveCapacity(ids.count)
        ids.forEach { id, position in rows.append((id.high, id.low, position.rawValue)) }
        rows.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for row in rows { filter.insert(Self.idHash(EventID(high: row.0, low: row.1))) }
        return DerivedIndexFile.encode(kind: .eventID, hashKind: 0, base: base, end: end,
                                       entries: rows.flatMap { [$0.0, $0.1, $0.2] }, filter: filter)
    }

    /// The filter key of an event id.
    static func idHash(_ id: EventID) -> UInt64 { StreamHash.mix(id.high ^ StreamHash.mix(id.low)) }
}
