import AnnalsLog
/// What the store knows about one stream without reading it: its last version, deletion state,
/// and its last record's position and time.
///
/// Every update is a maximum (or an OR), so applying the same record twice, or records of
/// different streams in any order, gives the same head. Opening the store relies on this: it
/// replays the log after the persisted checkpoint without knowing exactly what the checkpoint
/// already held.
struct StreamHead: Sendable, Equatable {
    /// The last version ever written, deleted or not; nil before the first event.
    var lastVersion: UInt64?
    /// Versions below this read as deleted (a soft delete sets it to the last version + 1).
    var truncateBefore: UInt64 = 0
    /// Hard-deleted: the name is refused forever.
    var tombstoned = false
    /// The position of the stream's last record (event or control record).
    var lastPosition: UInt64 = 0
    /// The timestamp of the stream's last record.
    var lastTimestamp: Int64 = 0

    /// The version the next event gets: versions continue across soft deletes.
    var nextVersion: UInt64 { lastVersion.map { $0 + 1 } ?? 0 }

    /// The last readable version, or nil when the stream has no live events.
    var liveVersion: UInt64? {
        guard let lastVersion, !tombstoned, lastVersion >= truncateBefore else { return nil }
        return lastVersion
    }

    /// True when a soft delete hides every event written so far.
    var isSoftDeleted: Bool { !tombstoned && truncateBefore > 0 && liveVersion == nil }

    /// Readable events.
    var liveEventCount: UInt64 {
        guard let live = liveVersion else { return 0 }
        return live + 1 - truncateBefore
    }

    mutating func apply(_ record: IndexedRecord) {
        lastPosition = max(lastPosition, record.position.rawValue)
        lastTimestamp = max(lastTimestamp, record.timestamp)
        switch record.control {
        case nil: lastVersion = max(lastVersion ?? 0, record.version)
        case .softDelete(let truncate): truncateBefore = max(truncateBefore, truncate)
        case .tombstone: tombstoned = true
        }
    }
}
