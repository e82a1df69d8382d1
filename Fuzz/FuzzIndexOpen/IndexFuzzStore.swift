import AnnalsLog
import AnnalsTestSupport
import FuzzSupport

/// The valid store the index fuzzer starts from: one full and one active segment, built once.
struct IndexFuzzStore: Sendable {
    static let shared = IndexFuzzStore()

    var files: [String: [UInt8]] = [:]
    var records: [LogRecord] = []
    var indexNames: [String] { files.keys.filter { $0.hasSuffix(".pidx") }.sorted() }

    init() {
        let fs = SimulatedFileSystem(seed: 1)
        try! fs.createDirectory(FuzzStore.directory)
        let log = try! Log.open(
            directory: FuzzStore.directory,
            options: LogOptions(segmentBytes: FuzzStore.segmentBytes, fileSystem: fs, clock: { 1_700_000_000_000_000_000 }))
        var random = SeededRandom(seed: 1)
        let ledger = AppendLedger()
        while log.nextPosition.rawValue < 160 {
            try! log.append(ledger.makeBatch(count: 2, using: &random))
        }
        records = try! log.read(from: .first, limit: .max)
        try! log.close()
        for name in try! fs.list(FuzzStore.directory) where name.hasSuffix(".log") || name.hasSuffix(".pidx") {
            files[name] = fs.contents(of: FuzzStore.directory + "/" + name)
        }
        precondition(indexNames.count >= 2, "the index fuzzer needs a full and an active segment")
    }
}
