import Foundation

/// The benchmark run: machine limits, Annals, then each peer on the same workload, then the
/// report. Started by `Benchmarks/run`, which prepares the workload and any PostgreSQL.
func runBenchmarks() async throws {
    let settings = try RunSettings.parse(CommandLine.arguments)
    var work = try WorkDirectory(root: settings.workRoot)
    defer { work.removeAll() }
    print("loading \(settings.tsvPath)")
    let workload = try Workload.load(tsvPath: settings.tsvPath, jsonlPath: settings.jsonlPath)
    print("\(Format.grouped(workload.events.count)) events in \(Format.grouped(workload.streams.count)) streams, "
          + "\(Format.fixed(workload.meanEventBytes, 1)) bytes a JSON line")
    let results = Results()
    let sample = try [UInt8](Data(contentsOf: URL(fileURLWithPath: settings.jsonlPath)))
    let limitsDirectory = try work.fresh("limits")
    try MachineLimits(directory: limitsDirectory, settings: settings, results: results, sample: sample).measureAll()
    var annals = AnnalsSuite(workload: workload, entries: workload.logEntries(), settings: settings, results: results, work: work)
    try annals.measureAll()
    var sealed = SealedSuite(workload: workload, entries: annals.entries, settings: settings, results: results, work: work)
    try sealed.measureAll()
    var streams = StreamSuite(workload: workload, settings: settings, results: results, work: work)
    try await streams.measureAll()
    var sqlite = SQLitePeer(workload: workload, settings: settings, results: results, work: work)
    try sqlite.measureAll()
    if let socket = settings.postgresSocket {
        do {
            try PostgresPeer(workload: workload, settings: settings, results: results, socketDirectory: socket).measureAll()
        } catch {
            results.notes.append("PostgreSQL failed during the run, so its column is partly empty: \(error)")
            print("PostgreSQL failed: \(error)")
        }
    } else {
        results.notes.append("PostgreSQL was not measured: \(settings.postgresNote ?? "no server was started")")
    }
    Assessment(workload: workload, results: results).evaluate()
    let report = MarkdownReport(settings: settings, workload: workload, results: results)
    print("")
    print(report.comparisonTable())
    print(report.fractionTable())
    print(report.targetTable())
    if let path = settings.reportPath {
        try report.render().write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }
}

do {
    try await runBenchmarks()
} catch {
    FileHandle.standardError.write(Data("AnnalsBench: \(error)\n".utf8))
    exit(1)
}
