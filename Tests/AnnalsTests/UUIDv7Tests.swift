import Foundation
import Testing
@testable import Annals
import AnnalsLog

@Suite(.timeLimit(.minutes(10))) struct UUIDv7Tests {
    /// Proves generated ids carry version 7, the RFC variant and the current time, and strictly increase within a process.
    @Test func layoutAndOrder() {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let ids = (0..<10_000).map { _ in UUIDv7.generate() }
        let after = UInt64(Date().timeIntervalSince1970 * 1000) + 1
        for id in ids {
            let text = id.uuidString
            #expect(Array(text)[14] == "7")
            #expect("89AB".contains(Array(text)[19]))
            let milliseconds = UUIDv7.milliseconds(of: id)!
            #expect(milliseconds >= before && milliseconds <= after + 10)
        }
        let values = ids.map(\.eventID)
        for (earlier, later) in zip(values, values.dropFirst()) {
            #expect((earlier.high, earlier.low) < (later.high, later.low))
        }
    }

    /// Proves the field layout against hand-computed bytes.
    @Test func fieldLayout() {
        let id = UUIDv7.make(milliseconds: 0x0123_4567_89AB, counter: 0xCDE, random: 0xFFFF_FFFF_FFFF_FFFF)
        #expect(id.uuidString == "01234567-89AB-7CDE-BFFF-FFFFFFFFFFFF")
        #expect(UUIDv7.milliseconds(of: UUID(uuidString: "01234567-89AB-4CDE-BFFF-FFFFFFFFFFFF")!) == nil)
    }
}
