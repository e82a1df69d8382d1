import AnnalsTestSupport
import Testing
@testable import Annals
import AnnalsLog

/// The open-addressing id table agrees with a `Dictionary` through growth, overwrites and misses.
@Suite(.timeLimit(.minutes(10)))
struct EventIDTableTests {
    /// Proves every inserted id is found at its latest position, absent ids are not, and
    /// `forEach` lists each entry once, across many growths; colliding ids included.
    @Test func agreesWithADictionary() {
        var random = SeededRandom(seed: 7)
        var table = EventIDTable()
        var reference: [EventID: LogPosition] = [:]
        for step in 1...20_000 {
            // Every tenth id shares its words with an earlier one but swapped, to collide in the mix.
            let id = step % 10 == 0 ? EventID(high: UInt64(step / 10), low: 0) : EventID(high: random.next(), low: random.next())
            let position = LogPosition(UInt64(step))
            table.insert(id, at: position)
            reference[id] = position
            if step % 7 == 0, let again = reference.keys.randomElement(using: &random) {
                table.insert(again, at: position)
                reference[again] = position
            }
        }
        #expect(table.count == reference.count)
        for (id, position) in reference { #expect(table[id] == position) }
        for _ in 0..<1000 { #expect(table[EventID(high: random.next(), low: random.next())] == nil) }
        var listed: [EventID: LogPosition] = [:]
        table.forEach { id, position in listed[id] = position }
        #expect(listed == reference)
        table.removeAll()
        #expect(table.isEmpty && table[reference.keys.first!] == nil)
    }
}
