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
    /// The last event type noted, with its key hash: the events of a batch usually share a
    /// type, so most notes hash no type name.
    private var lastType: (name: String, hash: UInt64)?

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
        if lastType?.name != record.eventType { lastType = (record.eventType, QueryKey.typeHash(record.eventType, hash)) }
        queryKeys.append(position, to: lastType!.hash)
        queryKeys.append(position, to: QueryKey.categoryHash(ofStream: record.stream, hash))
        for tag in record.tags { queryKeys.append(position, to: QueryKey.tag(tag).hash(hash)) }
    }

    /// The positions after `after` of events whose query key hashes to `keyHash`, ascending
    /// (with any event under another key of the same hash; the caller checks each record).
    func positions(ofKeyHash keyHash: UInt64, after: UInt64) -> [UInt64] {
        queryKeys.positions(of: keyHash, after: after)
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
        var times: [UInt64] = []
        times.reserveCapacity(self.times.count * 2)
        for entry in self.times {
            times.append(UInt64(bitPattern: entry.timestamp))
            times.append(entry.position.rawValue)
        }
        return [
            .stream: encodeStreams(end: end, hash: hash),
            .query: encodeQueryKeys(end: end, hash: hash),
            .eventID: encodeIDs(end: end),
            .time: DerivedIndexFile.encode(kind: .time, hashKind: 0, base: base, end: end, entries: times, filter: nil),
        ]
    }

    /// Entries sorted by (hash, version, position), written flat. Each stream's entries are in
    /// version order already, so streams are sorted by hash and only streams that share a hash
    /// (rare) have their entries merged by sorting.
    private func encodeStreams(end: LogPosition, hash: StreamHash) -> [UInt8] {
        var filter = BloomFilter(keys: streams.count)
        let groups = streams.map { (key: hash($0.key), entries: $0.value) }.sorted { $0.key < $1.key }
        var flat: [UInt64] = []
        flat.reserveCapacity(groups.reduce(0) { $0 + $1.entries.count } * 3)
        var next = 0
        while next < groups.count {
            let key = groups[next].key
            filter.insert(key)
            var last = next + 1
            while last < groups.count, groups[last].key == key { last += 1 }
            var entries = groups[next].entries
            if last > next + 1 {
                for group in groups[(next + 1)..<last] { entries += group.entries }
                entries.sort { ($0.version, $0.position) < ($1.version, $1.position) }
            }
            for entry in entries {
                flat.append(key)
                flat.append(entry.version)
                flat.append(entry.position.rawValue)
            }
            next = last
        }
        return DerivedIndexFile.encode(kind: .stream, hashKind: hash.kind, base: base, end: end, entries: flat, filter: filter)
    }

    /// Entries sorted by (key hash, position), written flat: keys are distinct in the table
    /// (keys that share a hash share their rows) and each key's positions ascend, so only keys
    /// are sorted.
    private func encodeQueryKeys(end: LogPosition, hash: StreamHash) -> [UInt8] {
        var filter = BloomFilter(keys: queryKeys.count)
        let keys = queryKeys.keys
        var flat: [UInt64] = []
        flat.reserveCapacity(queryKeys.rowCount * 2)
        for index in keys.indices.sorted(by: { keys[$0] < keys[$1] }) {
            filter.insert(keys[index])
            for position in queryKeys.positions(ofKeyAt: index, after: 0) {
                flat.append(keys[index])
                flat.append(position)
            }
        }
        return DerivedIndexFile.encode(kind: .query, hashKind: hash.kind, base: base, end: end, entries: flat, filter: filter)
    }

    private func encodeIDs(end: LogPosition) -> [UInt8] {
        var filter = BloomFilter(keys: ids.count)
        var rows: [(UInt64, UInt64, UInt64)] = []
        rows.reserveCapacity(ids.count)
        ids.forEach { id, position in rows.append((id.high, id.low, position.rawValue)) }
        rows.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var flat: [UInt64] = []
        flat.reserveCapacity(rows.count * 3)
        for row in rows {
            filter.insert(Self.idHash(EventID(high: row.0, low: row.1)))
            flat.append(row.0)
            flat.append(row.1)
            flat.append(row.2)
        }
        return DerivedIndexFile.encode(kind: .eventID, hashKind: 0, base: base, end: end, entries: flat, filter: filter)
    }

    /// The filter key of an event id.
    static func idHash(_ id: EventID) -> UInt64 { StreamHash.mix(id.high ^ StreamHash.mix(id.low)) }
}
