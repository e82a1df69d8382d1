/// Query-key hash to the positions indexed under it: the query index of a segment still in
/// memory (`OpenSegmentIndex`).
///
/// Open addressing with linear probing over a power-of-two number of slots, at most half full;
/// each slot names a list in `lists`. Keys are already mixed 64-bit hashes (`QueryKey.hash`), so
/// their low bits pick the slot: no per-lookup hasher, as `Dictionary` would run (with `String`
/// keys it cost about half of an append's instructions in 100-event batches).
struct PostingsTable: Sendable {
    /// For each slot, 0 when empty, else the index of its list plus one.
    private var slots: [Int32]
    /// Each list's key, by list index.
    private(set) var keys: [UInt64] = []
    /// Each key's positions, ascending, each once.
    private(set) var lists: [[UInt64]] = []

    init(capacity: Int = 16) {
        var size = 32
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    /// How many distinct keys the table holds.
    var count: Int { lists.count }

    /// The positions under `key`, ascending, or nil if none.
    func positions(of key: UInt64) -> [UInt64]? {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while slots[index] != 0 {
            let list = Int(slots[index] - 1)
            if keys[list] == key { return lists[list] }
            index = (index + 1) & mask
        }
        return nil
    }

    /// Adds `position` under `key`. Positions come in ascending order (records are noted in
    /// position order), so a position already last in the list (two keys of one event that
    /// share a hash) is not added twice.
    mutating func append(_ position: UInt64, to key: UInt64) {
        if (lists.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while slots[index] != 0 {
            let list = Int(slots[index] - 1)
            if keys[list] == key {
                let last = lists[list][lists[list].count - 1]  // a list is never empty
                precondition(last <= position, "positions are noted in order")
                if last != position { lists[list].append(position) }
                return
            }
            index = (index + 1) & mask
        }
        precondition(lists.count < Int(Int32.max), "too many keys in one segment")
        slots[index] = Int32(lists.count + 1)
        keys.append(key)
        lists.append([position])
    }

    private mutating func grow() {
        var slots = [Int32](repeating: 0, count: self.slots.count * 2)
        let mask = slots.count - 1
        for (list, key) in keys.enumerated() {
            var index = Int(truncatingIfNeeded: key) & mask
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = Int32(list + 1)
        }
        self.slots = slots
    }
}
