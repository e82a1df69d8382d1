import AnnalsLog

/// Event id to position, for the ids of segments still in memory and of appends in flight.
///
/// Open addressing with linear probing over a power-of-two number of slots, at most three
/// quarters full. Each slot holds the id and its position side by side, so a lookup in a table
/// too big for the cache costs one miss. Ids are UUIDs, mostly random bits, so a cheap mix of
/// their two words spreads them; a lookup costs no per-call hasher seeding, as `Dictionary`
/// does (a tenth of an append's time in a profile of 1000-event batches). Position 0
/// (`LogPosition.beforeFirst`) marks an empty slot: no record has it.
struct EventIDTable: Sendable {
    private struct Slot: Sendable {
        var high: UInt64
        var low: UInt64
        var position: UInt64
    }

    private var slots: [Slot]
    private(set) var count = 0

    init(capacity: Int = 12) {
        var size = 16
        while size * 3 < capacity * 4 { size *= 2 }
        slots = Array(repeating: Slot(high: 0, low: 0, position: 0), count: size)
    }

    var isEmpty: Bool { count == 0 }

    subscript(id: EventID) -> LogPosition? {
        let mask = slots.count - 1
        var index = Self.slot(of: id, mask: mask)
        while slots[index].position != 0 {
            if slots[index].high == id.high && slots[index].low == id.low { return LogPosition(slots[index].position) }
            index = (index + 1) & mask
        }
        return nil
    }

    /// Adds `id` at `position`, or moves it there if present.
    mutating func insert(_ id: EventID, at position: LogPosition) {
        precondition(position > .beforeFirst, "position 0 marks an empty slot")
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var index = Self.slot(of: id, mask: mask)
        while slots[index].position != 0 {
            if slots[index].high == id.high && slots[index].low == id.low {
                slots[index].position = position.rawValue
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = Slot(high: id.high, low: id.low, position: position.rawValue)
        count += 1
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in slots.indices { slots[index].position = 0 }
        count = 0
    }

    /// Calls `body` with every entry, in no particular order.
    func forEach(_ body: (EventID, LogPosition) -> Void) {
        for slot in slots where slot.position != 0 { body(EventID(high: slot.high, low: slot.low), LogPosition(slot.position)) }
    }

    private mutating func grow() {
        var bigger = EventIDTable(capacity: slots.count * 2)
        forEach { bigger.insert($0, at: $1) }
        precondition(bigger.count == count, "growing keeps every entry")
        self = bigger
    }

    @inline(__always)
    private static func slot(of id: EventID, mask: Int) -> Int {
        Int(truncatingIfNeeded: StreamHash.mix(id.high &+ id.low &* 0x9E37_79B9_7F4A_7C15)) & mask
    }
}
