import CBenchSupport
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
    try await section(.limits, settings) {
        let limitsDirectory = try work.fresh("limits")
        try MachineLimits(directory: limitsDirectory, settings: settings, results: results, sample: sample).measureAll()
    }
    let entries = workload.logEntries()
    try await section(.core, settings) {
        var annals = AnnalsSuite(workload: workload, entries: entries, settings: settings, results: results, work: work)
        try annals.measureAll()
    }
    try await section(.sealed, settings) {
        var sealed = SealedSuite(workload: workload, entries: entries, settings: settings, results: results, work: work)
        try sealed.measureAll()
    }
    try await section(.streams, settings) {
        var streams = StreamSuite(workload: workload, settings: settings, results: results, work: work)
        try await streams.measureAll()
    }
    try await section(.store, settings) {
        var appends = StoreAppends(workload: workload, settings: settings, results: results, work: work)
        try await appends.measureAll()
        var crashes = StoreOpenAfterCrash(workload: workload, settings: settings, results: results, work: work)
        try await crashes.measureAll()
        var scale = StoreScale(workload: workload, settings: settings, results: results, work: work)
        try await scale.measureAll()
        var footprint = StoreFootprint(workload: workload, settings: settings, results: results, work: work)
        try await footprint.measure()
    }
    try await section(.sqlite, settings) {
        var sqlite = SQLitePeer(workload: workload, settings: settings, results: results, work: work)
        try await sqlite.measureAll()
    }
    if !settings.wants(.postgres) {
        results.notes.append("PostgreSQL was not measured: this run was limited to \(settings.only.map(\.rawValue).sorted().joined(separator: ", "))")
    } else if let socket = settings.postgresSocket {
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
    print(report.comparisonTable(.store))
    print(report.targetTable(.store))
    print(report.comparisonTable(.core))
    print(report.fractionTable())
    print(report.targetTable(.core))
    if let path = settings.reportPath {
        try report.render().write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }
}

/// Runs `body` if the command line wants `name`, and says how long it took, so a run shows
/// where the time of `Benchmarks/run` goes.
func section(_ name: RunSettings.Section, _ settings: RunSettings, _ body: () async throws -> Void) async throws {
    guard settings.wants(name) else { return }
    let start = monotonicNanos()
    try await body()
    print("== \(name.rawValue) took \(Format.fixed(Double(monotonicNanos() - start) / 1e9, 1)) s")
}

// One line at a time, so the progress shows when the output goes to a file or a pipe.
bench_line_buffer_stdout()
do {
    if CommandLine.arguments.dropFirst().first == ResidentMemoryProbe.flag {
        try await ResidentMemoryProbe.run(CommandLine.arguments)
    } else {
        try await runBenchmarks()
    }
} catch {
    FileHandle.standardError.write(Data("AnnalsBench: \(error)\n".utf8))
    exit(1)
}
