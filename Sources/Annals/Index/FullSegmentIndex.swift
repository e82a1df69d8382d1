import AnnalsLog

/// The mapped `.sidx`, `.eidx`, `.tidx` and `.qidx` of one full segment: immutable, so shared freely.
struct FullSegmentIndex: Sendable {
    let base: LogPosition
    /// The position after the segment's last record (the next segment's base).
    let end: LogPosition
    let streams: MappedDerivedIndex
    let ids: MappedDerivedIndex
    let times: MappedDerivedIndex
    let queryKeys: MappedDerivedIndex

    /// Maps all four files; nil if any is missing or bad. With `checkingBodiesLater` (read-only
    /// stores) each file's body is checked at its first use instead: a reader that never looks
    /// up an event id never reads the id index, and an open maps files without reading them.
    static func open(
        _ fileSystem: any StorageFileSystem, directory: String, base: LogPosition, end: LogPosition, hash: StreamHash,
        checkingBodiesLater: Bool = false
    ) -> FullSegmentIndex? {
        let later = checkingBodiesLater
        guard let streams = DerivedIndexFile.open(fileSystem, directory: directory, kind: .stream, base: base, end: end, hashKind: hash.kind, checkingBodyLater: later),
              let ids = DerivedIndexFile.open(fileSystem, directory: directory, kind: .eventID, base: base, end: end, hashKind: 0, checkingBodyLater: later),
              let times = DerivedIndexFile.open(fileSystem, directory: directory, kind: .time, base: base, end: end, hashKind: 0, checkingBodyLater: later),
              let queryKeys = DerivedIndexFile.open(fileSystem, directory: directory, kind: .query, base: base, end: end, hashKind: hash.kind, checkingBodyLater: later)
        else { return nil }
        return FullSegmentIndex(base: base, end: end, streams: streams, ids: ids, times: times, queryKeys: queryKeys)
    }

    /// Appends to `found` the entries whose hash is `hash` and version is in `versions`, in
    /// version order. Several streams may share a hash: the caller confirms each against the
    /// record's stream name.
    func appendEntries(hash: UInt64, versions: ClosedRange<UInt64>, to found: inout [VersionedPosition]) {
        precondition(streams.isIntact, "a damaged stream index is replaced before use")
        guard streams.mayContain(hash) else { return }
        var index = streams.lowerBound(hash, versions.lowerBound)
        while index < streams.entryCount, streams.field(index, 0) == hash {
            let version = streams.field(index, 1)
            guard version <= versions.upperBound else { break }
            found.append(VersionedPosition(version: version, position: LogPosition(streams.field(index, 2))))
            index += 1
        }
    }

    /// The position of the event with `id`, if this segment indexes it.
    func position(of id: EventID) -> LogPosition? {
        precondition(ids.isIntact, "a damaged id index is replaced before use")
        guard ids.mayContain(OpenSegmentIndex.idHash(id)) else { return nil }
        let index = ids.lowerBound(id.high, id.low)
        guard index < ids.entryCount, ids.field(index, 0) == id.high, ids.field(index, 1) == id.low else { return nil }
        return LogPosition(ids.field(index, 2))
    }

    /// The positions after `after` of events whose query key hashes to `hash`, ascending (with
    /// any event that shares the hash; the caller checks each record).
    func positions(ofKeyHash hash: UInt64, after: UInt64) -> [UInt64] {
        precondition(queryKeys.isIntact, "a damaged query index is replaced before use")
        guard after < UInt64.max, queryKeys.mayContain(hash) else { return [] }
        var index = queryKeys.lowerBound(hash, after &+ 1)
        var found: [UInt64] = []
        while index < queryKeys.entryCount, queryKeys.field(index, 0) == hash {
            // Strictly ascending and after `after` by construction: a crafted file whose
            // checksums hold but whose entries are out of order cannot make a reader trap.
            let position = queryKeys.field(index, 1)
            if position > (found.last ?? after) { found.append(position) }
            index += 1
        }
        return found
    }

    var firstTimestamp: Int64? { times.isIntact && times.entryCount > 0 ? Int64(bitPattern: times.field(0, 0)) : nil }

    /// The position of the last time entry strictly before `timestamp`, or nil if none.
    func lastTimeEntry(before timestamp: Int64) -> LogPosition? {
        precondition(times.isIntact, "a damaged time index is replaced before use")
        var low = 0
        var high = times.entryCount  // entries before `low` are < timestamp
        while low < high {
            let middle = (low + high) / 2
            if Int64(bitPattern: times.field(middle, 0)) < timestamp { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : LogPosition(times.field(low - 1, 1))
    }
}
