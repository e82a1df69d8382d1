#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// Generates UUIDv7 ids (RFC 9562 §5.7): a 48-bit Unix millisecond timestamp, then the version,
/// a 12-bit counter, the variant and 62 random bits.
///
/// Ids from one process are strictly increasing: within one millisecond the 12-bit counter
/// (RFC 9562 §6.2, method 1) orders them, and if it overflows, or the clock steps back, the
/// timestamp field is advanced past the last one issued instead of going backwards.
public enum UUIDv7 {
    private struct State {
        var milliseconds: UInt64 = 0
        var counter: UInt16 = 0
        /// Random words fetched from the system generator 64 at a time: one getrandom call per
        /// 64 ids instead of one per id. Each word is used once.
        var randomWords = [UInt64](repeating: 0, count: 64)
        var randomUsed = 64

        mutating func nextRandom() -> UInt64 {
            if randomUsed == randomWords.count {
                // One call to the system's generator for all 64 words (glibc's arc4random_buf
                // draws from getrandom), instead of one system call per id.
                randomWords.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                randomUsed = 0
            }
            defer { randomUsed += 1 }
            return randomWords[randomUsed]
        }
    }

    private static let state = Locked(State())

    /// A new id.
    public static func generate() -> UUID {
        let (milliseconds, counter, random) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            let now = currentMilliseconds()
            let random = state.nextRandom()
            if now > state.milliseconds {
                state.milliseconds = now
                // Start low but random, leaving room for the counter to count up.
                state.counter = UInt16(truncatingIfNeeded: state.nextRandom() >> 54)  // 10 bits: 0..<0x400
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state.milliseconds += 1
                state.counter = 0
            }
            return (state.milliseconds, state.counter, random)
        }
        return make(milliseconds: milliseconds, counter: counter, random: random)
    }

    /// Lays out the fields. `counter` takes 12 bits and `random` the low 62.
    static func make(milliseconds: UInt64, counter: UInt16, random: UInt64) -> UUID {
        precondition(milliseconds < 1 << 48, "UUIDv7 timestamps take 48 bits")
        precondition(counter < 1 << 12, "UUIDv7 counters take 12 bits")
        let high = milliseconds << 16 | 0x7000 | UInt64(counter)
        let low = 0x8000_0000_0000_0000 | (random & 0x3FFF_FFFF_FFFF_FFFF)
        return UUID(EventID(high: high, low: low))
    }

    /// The Unix time in milliseconds encoded in a UUIDv7, or nil if `id` is not version 7.
    public static func milliseconds(of id: UUID) -> UInt64? {
        let eventID = id.eventID
        guard (eventID.high >> 12) & 0xF == 7 else { return nil }
        return eventID.high >> 16
    }

    private static func currentMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }
}
