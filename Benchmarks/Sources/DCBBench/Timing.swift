import Foundation

/// Monotonic time and repeated measurements.
enum Timing {
    static func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// A repeated measurement: each run's seconds, and what it returned (checked by the caller).
    struct Samples {
        var seconds: [Double]
        var median: Double {
            let sorted = seconds.sorted()
            return sorted[sorted.count / 2]
        }
    }

    /// Runs `body` once untimed (so the page cache and the caches of both engines are warm),
    /// then `repeats` times timed. Every run must return `expected` results, else it throws:
    /// a fast wrong answer is not a figure.
    static func repeated(
        _ what: String, repeats: Int, expected: Int, _ body: () async throws -> Int
    ) async throws -> Samples {
        precondition(repeats > 0, "at least one timed run")
        let warm = try await body()
        guard warm == expected else { throw BenchFailure("\(what) returned \(warm) events, expected \(expected)") }
        var seconds: [Double] = []
        for _ in 0..<repeats {
            let start = nanoseconds()
            let count = try await body()
            seconds.append(Double(nanoseconds() - start) / 1e9)
            guard count == expected else { throw BenchFailure("\(what) returned \(count) events, expected \(expected)") }
        }
        return Samples(seconds: seconds)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
