import Annals
import AnnalsLog
import Foundation

/// Readers beside a writer, across real processes:
/// - a read-only open of a large store while another process appends to it;
/// - append-to-delivery latency from a writer process to a following reader at a steady rate;
/// - the writer's durable throughput alone and with 4 reader processes following it.
///
///     ReadersBench [--events N] [--seconds S] [--report PATH] [--command TEXT]
///     ReadersBench write-paced|write-full|follow ...   (the child processes)
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

let task = Task.detached { () async throws -> Void in
    switch arguments.count > 1 ? arguments[1] : "" {
    case "write-paced":
        try await Role.pacedWriter(dir: option("--dir")!, rate: Int(option("--rate")!)!, seconds: Double(option("--seconds")!)!)
    case "write-full":
        try await Role.fullSpeedWriter(dir: option("--dir")!, batch: Int(option("--batch")!)!, seconds: Double(option("--seconds")!)!)
    case "follow":
        try await Role.follower(dir: option("--dir")!, count: Int(option("--count")!)!, seconds: Double(option("--seconds")!)!,
                                fromStart: option("--from") == "start")
    default:
        let settings = Measurements.Settings(
            events: option("--events").flatMap(Int.init) ?? 1_000_000,
            seconds: option("--seconds").flatMap(Double.init) ?? 5,
            command: option("--command") ?? "swift build -c release --package-path Benchmarks --product ReadersBench && Benchmarks/.build/release/ReadersBench")
        let report = try await Measurements(settings: settings).run()
        if let path = option("--report") {
            try report.write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            print(report)
        }
    }
}
do {
    try await task.value
} catch {
    FileHandle.standardError.write(Data("ReadersBench: \(error)\n".utf8))
    exit(1)
}
