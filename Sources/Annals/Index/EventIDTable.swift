import AnnalsLog

/// Event id to position, for the ids of segments still in memory and of appends in flight.
///
/// Open addressing with linear probing over a power-of-two number of slots, at most half full.
/// Ids are UUIDs, mostly random bits, so a cheap mix of their two words spreads them; a lookup
/// costs no per-call hasher seeding, as `Dictionary` does (a tenth of an append's time in a
/// profile of 1000-event batches). Position 0 (`LogPosition.beforeFirst`) marks an empty slot:
/// no record has it.
struct EventIDTable: Sendable {
    private var ids: [EventID]
    private var positions: [UInt64]
    private(set) var count = 0

    init(capacity: Int = 16) {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        ids = Array(repeating: .zero, count: slots)
        positions = Array(repeating: 0, count: slots)
    }

    var isEmpty: Bool { count == 0 }

    subscript(id: EventID) -> LogPosition? {
        var slot = Self.slot(of: id, mask: ids.count - 1)
        while positions[slot] != 0 {
            if ids[slot] == id { return LogPosition(positions[slot]) }
            slot = (slot + 1) & (ids.count - 1)
        }
        return nil
    }

    /// Adds `id` at `position`, or moves it there if present.
    mutating func insert(_ id: EventID, at position: LogPosition) {
        precondition(position > .beforeFirst, "position 0 marks an empty slot")
        if (count + 1) * 2 > ids.count { grow() }
        var slot = Self.slot(of: id, mask: ids.count - 1)
        while positions[slot] != 0 {
            if ids[slot] == id {
                positions[slot] = position.rawValue
                return
            }
            slot = (slot + 1) & (ids.count - 1)
        }
        ids[slot] = id
        positions[slot] = position.rawValue
        count += 1
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in positions.indices { positions[index] = 0 }
        count = 0
    }

    /// Calls `body` with every entry, in no particular order.
    func forEach(_ body: (EventID, LogPosition) -> Void) {
        for slot in positions.indices where positions[slot] != 0 { body(ids[slot], LogPosition(positions[slot])) }
    }

    private mutating func grow() {
        var bigger = EventIDTable(capacity: ids.count)
        forEach { bigger.insert($0, at: $1) }
        precondition(bigger.count == count, "growing keeps every entry")
        self = bigger
    }

    @inline(__always)
    private static func slot(of id: EventID, mask: Int) -> Int {
        Int(truncatingIfNeeded: StreamHash.mix(id.high &+ id.low &* 0x9E37_79B9_7F4A_7C15)) & mask
    }
}
