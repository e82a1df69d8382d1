import Testing
@testable import AnnalsLog

/// `LogPosition` as numbers from damaged files can make it: any 64-bit value.
@Suite(.timeLimit(.minutes(1))) struct LogPositionTests {
    /// Proves equality, order and distance never trap on far-apart positions (a fuzzed sealed
    /// file once trapped in `==`, which went through `Strideable`'s default `distance == 0`).
    @Test func extremesCompareWithoutTrapping() {
        let low = LogPosition.beforeFirst, high = LogPosition(UInt64.max)
        #expect(low != high && !(low == high) && low < high)
        #expect(low.distance(to: high) == Int.max && high.distance(to: low) == -Int.max)
        #expect(LogPosition(7).distance(to: LogPosition(3)) == -4)
        let positions = LogPosition(3)...LogPosition(5)
        #expect(positions.count == 3 && Array(positions) == [LogPosition(3), LogPosition(4), LogPosition(5)])
    }
}
