/// Query-key hash to the positions indexed under it: the query index of a segment still in
/// memory (`OpenSegmentIndex`).
///
/// Positions go into one flat array of rows, each linking back to the previous row of its key,
/// and each key keeps its newest row: a note appends one row and moves one link, with no array
/// per key (the nested arrays of the first version cost about 90 instructions a note). Keys are
/// found by open addressing with linear probing over a power-of-two number of slots, at most
/// half full; keys are already mixed 64-bit hashes (`QueryKey.hash`), so their low bits pick the
/// slot, with no per-lookup hasher. A read walks a key's rows from the newest back to the first
/// position it wants, so a condition checked after a recent position reads few rows.
struct PostingsTable: Sendable {
    private struct Row: Sendable {
        var position: UInt64
        /// The key's previous row, or -1.
        var previous: Int32
    }

    /// For each slot, 0 when empty, else the key's index plus one.
    private var slots: [Int32]
    /// Each key, by key index.
    private(set) var keys: [UInt64] = []
    /// Each key's newest row, by key index.
    private var newest: [Int32] = []
    private var rows: [Row] = []

    init(capacity: Int = 16) {
        var size = 32
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    /// How many distinct keys the table holds.
    var count: Int { keys.count }
    /// How many positions it holds, over all keys.
    var rowCount: Int { rows.count }

    /// The positions after `after` under `key`, ascending.
    func positions(of key: UInt64, after: UInt64) -> [UInt64] {
        guard let index = keyIndex(key) else { return [] }
        return positions(ofKeyAt: index, after: after)
    }

    /// The positions after `after` under the key at `index` (of `keys`), ascending.
    func positions(ofKeyAt index: Int, after: UInt64) -> [UInt64] {
        var found: [UInt64] = []
        var row = Int(newest[index])
        while row >= 0, rows[row].position > after {
            found.append(rows[row].position)
            row = Int(rows[row].previous)
        }
        found.reverse()
        return found
    }

    /// Adds `position` under `key`. Positions come in ascending order (records are noted in
    /// position order), so a position already newest under the key (two keys of one event that
    /// share a hash) is not added twice.
    mutating func append(_ position: UInt64, to key: UInt64) {
        let index: Int
        if let found = keyIndex(key) {
            index = found
            let last = Int(newest[index])  // every key has a row
            precondition(rows[last].position <= position, "positions are noted in order")
            if rows[last].position == position { return }
        } else {
            index = insertKey(key)
        }
        precondition(rows.count < Int(Int32.max), "too many positions in one segment")
        rows.append(Row(position: position, previous: newest[index]))
        newest[index] = Int32(rows.count - 1)
    }

    private func keyIndex(_ key: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            if keys[index] == key { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Adds `key`, which is not in the table, with no rows yet; returns its index.
    private mutating func insertKey(_ key: UInt64) -> Int {
        if (keys.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(keys.count + 1)
        keys.append(key)
        newest.append(-1)
        return keys.count - 1
    }

    private mutating func grow() {
        var slots = [Int32](repeating: 0, count: self.slots.count * 2)
        let mask = slots.count - 1
        for (index, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
        self.slots = slots
    }
}
