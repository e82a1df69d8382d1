import AnnalsLog
import AnnalsTestSupport
import FuzzSupport

/// The valid store the sealed-segment fuzzer starts from: a sealed first segment of several
/// LZ4 blocks, then the active raw segment, built once.
struct SealedFuzzStore: Sendable {
    static let shared = SealedFuzzStore()
    static let blockBytes = 4096

    var files: [String: [UInt8]] = [:]
    var sealedName = ""

    static func options(_ fs: SimulatedFileSystem) -> LogOptions {
        LogOptions(segmentBytes: FuzzStore.segmentBytes, fileSystem: fs, clock: { 1_700_000_000_000_000_000 },
                   sealing: .manual, blockBytes: blockBytes)
    }

    init() {
        let fs = SimulatedFileSystem(seed: 1)
        try! fs.createDirectory(FuzzStore.directory)
        let log = try! Log.open(directory: FuzzStore.directory, options: Self.options(fs))
        var random = SeededRandom(seed: 1)
        let ledger = AppendLedger()
        while log.segmentBases().count < 2 {
            try! log.append(ledger.makeBatch(count: 3, using: &random))
        }
        let reports = try! log.sealFullSegments()
        try! log.close()
        precondition(reports.count == 1, "the sealed fuzzer needs one sealed segment")
        sealedName = reports[0].fileName
        for name in try! fs.list(FuzzStore.directory) where name.hasSuffix(".log") || name.hasSuffix(".sealed") || name.hasSuffix(".pidx") {
            files[name] = fs.contents(of: FuzzStore.directory + "/" + name)
        }
    }
}
