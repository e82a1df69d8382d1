import Annals
import Foundation

/// Issue 16's benchmarks (docs/DCB.md): tag queries against a scan and against SQLite with an
/// indexed tag table, category and type reads against the scan they replace, and conditional
/// appends (64 writers of one event; one writer of 512-event batches, against SQLite), all
/// durable and through the public `EventStore` API, from a detached task.
///
///     DCBBench [--events N] [--repeats R] [--scan-repeats R] [--seconds S] [--batches B]
///              [--report PATH] [--command TEXT]
let arguments = CommandLine.arguments
let task = Task.detached { () async throws -> String in
    let settings = try Settings(Array(arguments.dropFirst()))
    return try await DCBSuite(settings: settings).run()
}
do {
    let report = try await task.value
    if let index = arguments.firstIndex(of: "--report"), index + 1 < arguments.count {
        try report.write(toFile: arguments[index + 1], atomically: true, encoding: .utf8)
    } else {
        print(report)
    }
} catch {
    FileHandle.standardError.write(Data("DCBBench: \(error)\n".utf8))
    exit(1)
}
