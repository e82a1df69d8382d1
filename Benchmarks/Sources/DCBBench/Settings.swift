import Foundation

/// What a run measures, from the command line.
struct Settings {
    /// Events in the synthetic store (`--events`, default 1,000,000).
    var events: Int
    /// Timed runs of each index read and SQLite query (`--repeats`, default 9).
    var repeats: Int
    /// Timed runs of each full scan (`--scan-repeats`, default 3): a scan of 1M events takes about a second.
    var scanRepeats: Int
    /// Length of each 64-writer run (`--seconds`, default 3).
    var seconds: Double
    /// Batches of 512 per batch-append run (`--batches`, default 100).
    var batches: Int
    /// The command that produced the figures, printed in the report (`--command`).
    var command: String

    static let usage = "usage: DCBBench [--events N] [--repeats N] [--scan-repeats N] [--seconds S] [--batches N] [--report PATH] [--command TEXT]"
    static let valued: Set<String> = ["--events", "--repeats", "--scan-repeats", "--seconds", "--batches", "--report", "--command"]

    init(_ arguments: [String]) throws {
        // Every argument is a known option followed by its value: anything else (a typo,
        // `--help`) stops the run before it builds a million-event store.
        var index = 0
        while index < arguments.count {
            guard Self.valued.contains(arguments[index]), index + 1 < arguments.count else {
                throw BenchFailure("unknown option or missing value: \(arguments[index])\n\(Self.usage)")
            }
            index += 2
        }
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        }
        func number<Value: LosslessStringConvertible & Comparable & ExpressibleByIntegerLiteral>(_ name: String, default value: Value) throws -> Value {
            guard let text = option(name) else { return value }
            guard let parsed = Value(text), parsed > 0 else { throw BenchFailure("\(name) takes a positive number, got \(text)") }
            return parsed
        }
        events = try number("--events", default: 1_000_000)
        repeats = try number("--repeats", default: 9)
        scanRepeats = try number("--scan-repeats", default: 3)
        seconds = try number("--seconds", default: 3.0)
        batches = try number("--batches", default: 100)
        command = option("--command")
            ?? "swift build -c release --package-path Benchmarks --product DCBBench && Benchmarks/.build/release/DCBBench --events \(events)"
        guard events >= 2 else { throw BenchFailure("--events must be at least 2") }
    }
}
