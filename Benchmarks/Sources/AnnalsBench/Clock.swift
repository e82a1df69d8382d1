#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in nanoseconds.
@inline(__always)
func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Seconds taken by `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = monotonicNanos()
    try body()
    return Double(monotonicNanos() - start) / 1e9
}

/// The fastest of `repeats` runs of `body`, in seconds: the least disturbed by the other
/// engineers sharing the machine's two cores.
func bestOf(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats { best = min(best, try timed(body)) }
    return best
}

/// The `fraction` (0...1) percentile of `samples` (nearest rank).
func percentile(_ samples: [Double], _ fraction: Double) -> Double {
    precondition(!samples.isEmpty, "no samples")
    let sorted = samples.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Stops a loop once `seconds` have passed since it was made.
struct Deadline {
    let end: UInt64
    init(seconds: Double) { end = monotonicNanos() + UInt64(seconds * 1e9) }
    var passed: Bool { monotonicNanos() >= end }
}
