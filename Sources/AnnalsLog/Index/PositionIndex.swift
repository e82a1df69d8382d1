/// The position index of one segment (FORMAT.md §4): sparse, sorted, fixed-width entries that
/// map a relative position to the byte offset of its record, searched in binary.
/// A full segment's index is a mapped file; the active segment's lives in memory and is also
/// appended to its file as records become durable.
struct PositionIndex: Sendable {
    private enum Storage: Sendable {
        case memory([PositionIndexEntry])
        case mapped(MappedRegion)
    }

    private var storage: Storage
    let base: LogPosition

    init(base: LogPosition, entries: [PositionIndexEntry] = []) {
        self.base = base
        self.storage = .memory(entries)
    }

    /// An index over a mapped, already validated `.pidx` file.
    init(base: LogPosition, mapped: MappedRegion) {
        precondition((mapped.bytes.count - Format.positionIndexHeaderBytes) % Format.positionIndexEntryBytes == 0,
                     "mapped index must hold whole entries")
        self.base = base
        self.storage = .mapped(mapped)
    }

    var count: Int {
        switch storage {
        case .memory(let entries): entries.count
        case .mapped(let region): (region.bytes.count - Format.positionIndexHeaderBytes) / Format.positionIndexEntryBytes
        }
    }

    subscript(index: Int) -> PositionIndexEntry {
        precondition(index >= 0 && index < count, "index entry out of range")
        switch storage {
        case .memory(let entries):
            return entries[index]
        case .mapped(let region):
            let start = Format.positionIndexHeaderBytes + index * Format.positionIndexEntryBytes
            return PositionIndexEntry(
                relativePosition: region.bytes.loadLE(at: start + PositionIndexEntry.Layout.relativePosition, as: UInt32.self),
                offset: region.bytes.loadLE(at: start + PositionIndexEntry.Layout.offset, as: UInt32.self))
        }
    }

    var last: PositionIndexEntry? { count == 0 ? nil : self[count - 1] }

    mutating func append(_ entry: PositionIndexEntry) {
        guard case .memory(var entries) = storage else { preconditionFailure("a mapped index is immutable") }
        precondition(entries.last.map { $0.relativePosition < entry.relativePosition && $0.offset < entry.offset } ?? true,
                     "index entries must strictly increase")
        storage = .memory([])  // drop the reference so the append below does not copy
        entries.append(entry)
        storage = .memory(entries)
    }

    /// The last entry at or before `position`, or nil if the index has none.
    func floor(_ position: LogPosition) -> PositionIndexEntry? {
        floorSlot(position).map { self[$0] }
    }

    /// The slot of the last entry at or before `position`, or nil if the index has none.
    func floorSlot(_ position: LogPosition) -> Int? {
        guard position >= base, count > 0 else { return nil }
        let target = position.rawValue - base.rawValue
        guard target <= UInt64(UInt32.max) else { return count - 1 }
        var low = 0
        var high = count  // invariant: entries before `low` are <= target, from `high` on are > target
        switch storage {
        case .memory(let entries):
            while low < high {
                let middle = (low + high) / 2
                if UInt64(entries[middle].relativePosition) <= target { low = middle + 1 } else { high = middle }
            }
        case .mapped(let region):
            let bytes = region.bytes
            while low < high {
                let middle = (low + high) / 2
                let at = Format.positionIndexHeaderBytes + middle * Format.positionIndexEntryBytes
                if UInt64(bytes.loadLE(at: at, as: UInt32.self)) <= target { low = middle + 1 } else { high = middle }
            }
        }
        return low == 0 ? nil : low - 1
    }
}
