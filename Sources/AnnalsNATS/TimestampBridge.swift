#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Carries a nanosecond commit time through `EventData.timestamp`, which is a `Date` (a Double
/// of seconds since 2001): near 2026 the seconds since 1970 that the store computes from a Date fall on a grid of
/// about 238 ns.
///
/// `date(forNanoseconds:)` picks the Date the store turns into the nanosecond value nearest to
/// the source's, within the same millisecond, so reads that show milliseconds (`annals read`)
/// match byte for byte and the order of timestamps is kept. Sub-millisecond digits may differ
/// by up to about 240 ns; an exact copy needs a nanosecond timestamp in `EventData`
/// (docs/SCALEOUT.md, "Limits").
enum TimestampBridge {
    /// The store's conversion (`EventStore.nanoseconds`): seconds since 1970 times 10^9, rounded down.
    static func nanoseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000_000).rounded(.down)
        if value >= Double(Int64.max) { return .max }
        if value <= Double(Int64.min) { return .min }
        return Int64(value)
    }

    static func date(forNanoseconds target: Int64) -> Date {
        var reference = Double(target) / 1_000_000_000 - Date.timeIntervalBetween1970AndReferenceDate
        func stored(_ interval: Double) -> Int64 { nanoseconds(Date(timeIntervalSinceReferenceDate: interval)) }
        var steps = 0
        while stored(reference) < target, steps < 64 { reference = reference.nextUp; steps += 1 }
        while stored(reference.nextDown) >= target, steps < 128 { reference = reference.nextDown; steps += 1 }
        // `reference` is now the smallest interval stored at or after the target.
        let millisecond = floorDivide(target, 1_000_000)
        let above = stored(reference), below = stored(reference.nextDown)
        let aboveFits = floorDivide(above, 1_000_000) == millisecond
        let belowFits = floorDivide(below, 1_000_000) == millisecond
        if aboveFits && (!belowFits || above - target <= target - below) { return Date(timeIntervalSinceReferenceDate: reference) }
        if belowFits { return Date(timeIntervalSinceReferenceDate: reference.nextDown) }
        return Date(timeIntervalSinceReferenceDate: reference)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
