import Annals
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The child process that measures an open store's resident memory, away from the harness's
/// own (the workload alone holds tens of MB): it opens the store, reads `reads` random streams
/// of `streams` named by `StoreScale.streamName`, and prints its RSS before opening and after.
///
///     AnnalsBench --rss-probe DIR STREAMS READS
enum ResidentMemoryProbe {
    static let flag = "--rss-probe"

    /// What the child printed: resident bytes before the open, after the reads, and the peak.
    struct Reading {
        var beforeBytes: Int
        var afterBytes: Int
        var peakBytes: Int
    }

    static func run(_ arguments: [String]) async throws {
        guard arguments.count == 5, let streams = Int(arguments[3]), let reads = Int(arguments[4]), streams > 0 else {
            throw BenchError("usage: AnnalsBench \(flag) DIR STREAMS READS")
        }
        let before = residentBytes()
        let store = try await EventStore.open(directory: arguments[2])
        var random = SplitMix64(seed: 9)
        var events = 0
        for _ in 0..<reads {
            events += try await store.read(stream: StreamName(StoreScale.streamName(Int(random.next() % UInt64(streams))))).count
        }
        guard events > 0 else { throw BenchError("the probe read no events from \(arguments[2])") }
        let after = residentBytes()
        try await store.close()
        print("\(before) \(after) \(peakResidentBytes())")
    }

    /// Runs the probe in a child process of this same executable and parses its line.
    static func measure(directory: String, streams: Int, reads: Int) throws -> Reading {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = [flag, directory, String(streams), String(reads)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let numbers = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard process.terminationStatus == 0, numbers.count == 3 else {
            throw BenchError("the memory probe exited with \(process.terminationStatus) and printed \(String(decoding: data, as: UTF8.self))")
        }
        return Reading(beforeBytes: numbers[0], afterBytes: numbers[1], peakBytes: numbers[2])
    }

    /// Resident bytes now: the second field of /proc/self/statm, in pages.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The peak resident bytes of this process so far (getrusage reports KiB on Linux).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
