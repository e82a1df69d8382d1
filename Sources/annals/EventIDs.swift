import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

extension EventID {
    /// A fresh UUIDv7: 48 bits of Unix milliseconds, then version 7, then random bits with the
    /// RFC 9562 variant. Time-ordered, so ids created in sequence sort in sequence.
    static func uuidV7(milliseconds: UInt64, using random: inout some RandomNumberGenerator) -> EventID {
        let randomHigh = random.next() & 0x0FFF
        let randomLow = random.next() & 0x3FFF_FFFF_FFFF_FFFF
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | randomHigh
        return EventID(high: high, low: 0x8000_0000_0000_0000 | randomLow)
    }

    static func uuidV7() -> EventID {
        var random = SystemRandomNumberGenerator()
        return uuidV7(milliseconds: UInt64(LogOptions.systemClock() / 1_000_000), using: &random)
    }
}
