import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Logging

extension StoreEngine {
    /// A stream's events from `version` (nil: the first readable, or the last one backward),
    /// at most `limit`, in `direction` order. A stream never written reads as empty.
    func readStream(
        _ stream: StreamName, from version: UInt64?, direction: ReadDirection, limit: Int
    ) throws(EventStoreError) -> [RecordedEvent] {
        try stream.validate()
        guard limit > 0 else { return [] }
        try followIfStale()
        let found = try lock.withLock { () throws(EventStoreError) -> [VersionedPosition] in
            try checkOpen()
            guard let head = heads[stream.rawValue],
                  let versions = try versionRange(stream, head: head, from: version, direction: direction, limit: limit)
            else { return [] }
            try replaceDamagedIndexes { $0.streams.isIntact }
            return candidates(stream.rawValue, head: head, versions: versions)
        }
        // Candidates share the stream's hash; the record's own name decides. The event is built
        // straight from the record's bytes, with the name the caller gave.
        let wanted = Array(stream.rawValue.utf8)
        var events: [RecordedEvent] = []
        events.reserveCapacity(found.count)
        do {
            try log.forEachRecord(at: found.map(\.position)) { view in
                let bytes = view.streamBytes
                if bytes.count == wanted.count, wanted.isEmpty || wanted.withUnsafeBytes({ memcmp(bytes.baseAddress!, $0.baseAddress!, $0.count) == 0 }),
                   !ControlRecord.isControl(flags: view.flags) {
                    events.append(RecordedEvent(view, stream: stream))
                }
                return true
            }
        } catch { throw EventStoreError(error) }
        return direction == .forward ? events : events.reversed()
    }

    /// The versions a read covers: dense, since a stream's versions have no gaps. Nil when
    /// nothing is readable there. Caller holds `lock`.
    private func versionRange(
        _ stream: StreamName, head: StreamHead, from version: UInt64?, direction: ReadDirection, limit: Int
    ) throws(EventStoreError) -> ClosedRange<UInt64>? {
        guard head.lastVersion != nil || head.tombstoned else { return nil }
        if head.tombstoned { throw .streamTombstoned(stream) }
        if head.isSoftDeleted { throw .streamDeleted(stream) }
        guard let live = head.liveVersion else { return nil }
        let low = head.truncateBefore
        let span = UInt64(limit - 1)
        switch direction {
        case .forward:
            let start = max(version ?? low, low)
            guard start <= live else { return nil }
            return start...(live - start > span ? start + span : live)
        case .backward:
            let top = min(version ?? live, live)
            guard top >= low else { return nil }
            return (top - low > span ? top - span : low)...top
        }
    }

    /// Index entries of `stream` for `versions`, in position order: full segments first, then
    /// open ones. Entries of other streams with the same hash are included; reading the record
    /// tells them apart. Caller holds `lock`.
    private func candidates(_ stream: String, head: StreamHead, versions: ClosedRange<UInt64>) -> [VersionedPosition] {
        var found: [VersionedPosition] = []
        found.reserveCapacity(Int(min(versions.upperBound - versions.lowerBound, 1 << 12)) + 1)
        let key = hash(stream)
        for full in fullSegments where full.base.rawValue <= head.lastPosition {
            full.appendEntries(hash: key, versions: versions, to: &found)
        }
        for index in openSegments.values {
            index.appendEntries(of: stream, versions: versions, to: &found)
        }
        found.sort { $0.position < $1.position }
        return found
    }

    /// Reads the records at `positions` (strictly ascending) that pass `matches`, in one pass
    /// over the log (`Log.forEachRecord(at:)`).
    func records(at positions: [LogPosition], where matches: (RecordView) -> Bool) throws(EventStoreError) -> [LogRecord] {
        var records: [LogRecord] = []
        records.reserveCapacity(positions.count)
        do {
            try log.forEachRecord(at: positions) { view in
                if matches(view) { records.append(view.materialize()) }
                return true
            }
        } catch { throw EventStoreError(error) }
        return records
    }

    /// Events passing `filter` from `position` on, stopping after `maxEvents` events, after
    /// `maxRecords` records scanned, or at `end`. Returns them and the position to go on from.
    func scan(
        from position: LogPosition, end: LogPosition, filter: EventFilter, maxEvents: Int, maxRecords: Int
    ) throws(EventStoreError) -> (events: [RecordedEvent], next: LogPosition) {
        let start = max(position, .first)
        guard start < end, maxEvents > 0 else { return ([], start) }
        var events: [RecordedEvent] = []
        var next = start
        let limit = Int(min(UInt64(maxRecords), end.rawValue - start.rawValue))
        do {
            try log.forEachRecord(from: start, limit: limit) { view in
                next = view.position.advanced(by: 1)
                if !ControlRecord.isControl(flags: view.flags) && filter.matches(view) {
                    events.append(RecordedEvent(view, stream: StreamName(view.stream)))
                }
                return events.count < maxEvents
            }
        } catch { throw EventStoreError(error) }
        return (events, next)
    }

    /// The first position whose timestamp is at or after `timestamp`, or nil if every record is
    /// older. The time indexes give the newest sparse entry before `timestamp`; the log is
    /// scanned from there.
    func firstPosition(atOrAfter timestamp: Int64) throws(EventStoreError) -> LogPosition? {
        try followIfStale()
        let start: LogPosition = try lock.withLock { () throws(EventStoreError) -> LogPosition in
            try checkOpen()
            try replaceDamagedIndexes { $0.times.isIntact }
            for base in openSegments.keys.sorted().reversed() {
                if let entry = openSegments[base]!.lastTimeEntry(before: timestamp) { return entry }
            }
            for full in fullSegments.reversed() {
                if let entry = full.lastTimeEntry(before: timestamp) { return entry }
            }
            return .first
        }
        var found: LogPosition?
        do {
            try log.forEachRecord(from: start) { view in
                if view.timestamp >= timestamp { found = view.position }
                return found == nil
            }
        } catch { throw EventStoreError(error) }
        return found
    }
}

extension StoreEngine {
    /// Every event by global position, skipping control records.
    func readAll(from position: LogPosition, direction: ReadDirection, limit: Int) throws(EventStoreError) -> [RecordedEvent] {
        try followIfStale()
        let end = LogPosition(visibleEnd.load(ordering: .acquiring))
        switch direction {
        case .forward:
            return try scan(from: position, end: end, filter: .all, maxEvents: limit, maxRecords: .max).events
        case .backward:
            var events: [RecordedEvent] = []
            var top = min(position, LogPosition(end.rawValue &- 1))
            while events.count < limit, top >= .first {
                let chunk: [LogRecord]
                do { chunk = try log.read(from: top, limit: 256, direction: .backward) } catch { throw EventStoreError(error) }
                guard let last = chunk.last else { break }
                for record in chunk where !ControlRecord.isControl(flags: record.flags) && events.count < limit {
                    events.append(RecordedEvent(record))
                }
                top = LogPosition(last.position.rawValue - 1)
            }
            return events
        }
    }

    /// The heads of every stream, by name.
    func streamInfos() throws(EventStoreError) -> [StreamInfo] {
        try followIfStale()
        return try lock.withLock { () throws(EventStoreError) -> [StreamInfo] in
            try checkOpen()
            return heads.map { StreamInfo(stream: StreamName($0.key), head: $0.value) }.sorted { $0.stream < $1.stream }
        }
    }

    func streamInfo(_ stream: StreamName) throws(EventStoreError) -> StreamInfo? {
        try followIfStale()
        return try lock.withLock { () throws(EventStoreError) -> StreamInfo? in
            try checkOpen()
            return heads[stream.rawValue].map { StreamInfo(stream: stream, head: $0) }
        }
    }
}
