import AnnalsTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import AnnalsLog

/// Every bit: a store with one full and one active segment, each case with one bit flipped in a
/// segment header, a record (header and body) or a position-index entry. Each flip must be
/// reported (open fails with `.corruption` naming the file, an index is rebuilt and reported, a
/// torn tail is cut and reported, or a read throws `.corruption` naming the file) or provably
/// harmless (everything reads back identically). A flipped record is never returned as data.
@Suite(.timeLimit(.minutes(10))) struct BitFlipTests {
    static let segmentBytes = 16384
    static let stores = [false, true].map { BitFlipStore(closedCleanly: $0) }

    /// Which bytes a case flips bits in.
    enum Target: String, CaseIterable, Sendable {
        case fullSegmentHeader, activeSegmentHeader
        case fullSegmentRecord, activeSegmentMiddleRecord, activeSegmentLastRecord
        case fullIndexEntry, activeIndexEntry
    }

    /// Proves each single-bit flip in the target's bytes is reported or harmless, for a store
    /// closed cleanly and for one that lost power (when the tail is a torn-tail candidate).
    @Test(arguments: Target.allCases, [false, true])
    func everyBitFlipIsReportedOrHarmless(target: Target, closedCleanly: Bool) throws {
        let store = Self.stores[closedCleanly ? 1 : 0]
        let (file, range) = store.bytes(of: target)
        var outcomes: [Outcome: Int] = [:]
        for bit in (range.lowerBound * 8)..<(range.upperBound * 8) {
            var files = store.files
            files[file]![bit / 8] ^= UInt8(1) << UInt8(bit % 8)
            switch try Self.check(files, flipped: file, original: store.records) {
            case .success(let outcome): outcomes[outcome, default: 0] += 1
            case .failure(let problem): Issue.record("\(target) clean=\(closedCleanly) bit \(bit) of \(file): \(problem.text)")
            }
        }
        if getenv("ANNALS_RELIABILITY_SUMMARY") != nil {
            let counts = Outcome.allCases.map { "\($0.rawValue) \(outcomes[$0, default: 0])" }.joined(separator: ", ")
            print("bit-flip \(target.rawValue) clean=\(closedCleanly): \(range.count * 8) flips: \(counts)")
        }
    }

    /// How a flip was answered.
    enum Outcome: String, CaseIterable {
        case openFailed = "open failed (.corruption)"
        case readFailed = "read failed (.corruption)"
        case tailCut = "torn tail cut and reported"
        case indexRebuilt = "index rebuilt and reported"
        case harmless = "harmless (reads identical)"
    }

    struct Problem: Error { var text: String }

    /// Opens a store made of `files` and returns a description of what went wrong, if anything.
    static func check(_ files: [String: [UInt8]], flipped: String, original: [LogRecord]) throws -> Result<Outcome, Problem> {
        let fs = SimulatedFileSystem(seed: 0, faults: FaultPlan(tornWritesOnCrash: false))
        try fs.createDirectory("/store")
        for (name, bytes) in files {
            let file = try fs.create("/store/" + name)
            try file.write(at: 0, bytes)
            try file.sync()
        }
        try fs.syncDirectory("/store")
        let log: Log
        do {
            log = try Log.open(directory: "/store", options: LogOptions(segmentBytes: segmentBytes, fileSystem: fs))
        } catch {
            return error.code == .corruption && error.file == flipped ? .success(.openFailed) : .failure(Problem(text: "open failed wrongly: \(error)"))
        }
        defer { try? log.close() }
        var readFailed = false
        var returned = 0
        // One forward read is enough when it succeeds; after a failure, read each position
        // alone to prove the records around the damage still read back right.
        var readAll: [LogRecord]?
        do { readAll = try log.read(from: .first, limit: .max) } catch { readFailed = true }
        for position in 1..<log.nextPosition.rawValue {
            do throws(LogError) {
                let found: LogRecord?
                if let readAll { found = readAll[Int(position) - 1] } else { found = try log.record(at: LogPosition(position)) }
                guard let record = found else { return .failure(Problem(text: "position \(position) missing")) }
                guard record.position.rawValue == position, Int(position) <= original.count,
                      record == original[Int(position) - 1]
                else { return .failure(Problem(text: "position \(position) returned wrong data")) }
                returned += 1
            } catch {
                guard error.code == .corruption, error.file == flipped else { return .failure(Problem(text: "read failed wrongly: \(error)")) }
                readFailed = true
            }
        }
        let report = log.recoveryReport
        if readFailed { return .success(.readFailed) }
        if report.bytesDropped > 0 { return .success(.tailCut) }
        if !report.indexesRebuilt.isEmpty { return .success(.indexRebuilt) }
        return returned == original.count
            ? .success(.harmless) : .failure(Problem(text: "only \(returned) of \(original.count) records, with nothing reported"))
    }
}

/// The pristine store the flips start from, built once per state on the simulated file system.
struct BitFlipStore: Sendable {
    var files: [String: [UInt8]] = [:]
    var records: [LogRecord] = []

    init(closedCleanly: Bool) {
        let fs = SimulatedFileSystem(seed: 3, faults: FaultPlan(tornWritesOnCrash: false))
        try! fs.createDirectory("/store")
        let log = try! Log.open(directory: "/store", options: LogOptions(segmentBytes: BitFlipTests.segmentBytes, fileSystem: fs))
        var random = SeededRandom(seed: 3)
        let ledger = AppendLedger()
        while log.segmentSnapshot.count < 2 || (log.segmentSnapshot.last as! Segment).committed.dataEnd < 3000 {
            try! log.append(ledger.makeBatch(count: Int.random(in: 1...3, using: &random), using: &random))
        }
        records = try! log.read(from: .first, limit: .max)
        try! log.close()
        // Without the clean-shutdown marker the store looks as after a power loss that came
        // once everything was synced: recovery scans the active tail and may cut a torn one.
        for name in try! fs.list("/store") where name != SegmentFileName.lockFile
            && (closedCleanly || name != SegmentFileName.cleanShutdownFile) {
            files[name] = fs.contents(of: "/store/" + name)
        }
        precondition(files.keys.filter { $0.hasSuffix(".log") }.count == 2, "the store needs a full and an active segment")
    }

    var segmentNames: [String] { files.keys.filter { $0.hasSuffix(".log") }.sorted() }

    /// The file and byte range a target covers.
    func bytes(of target: BitFlipTests.Target) -> (file: String, range: Range<Int>) {
        let full = segmentNames[0], active = segmentNames[1]
        let index = { (segment: String) in String(segment.dropLast(4)) + ".pidx" }
        switch target {
        case .fullSegmentHeader: return (full, 0..<Format.segmentHeaderBytes)
        case .activeSegmentHeader: return (active, 0..<Format.segmentHeaderBytes)
        case .fullSegmentRecord: return (full, record(in: full, at: 0.5))
        case .activeSegmentMiddleRecord: return (active, record(in: active, at: 0.5))
        case .activeSegmentLastRecord: return (active, record(in: active, at: 1))
        case .fullIndexEntry: return (index(full), entry(in: index(full)))
        case .activeIndexEntry: return (index(active), entry(in: index(active)))
        }
    }

    /// The padded bytes of a record of `segment`: the last one for `fraction` 1, otherwise the
    /// smallest of the ten around `fraction` of the way through (to keep the bit count down).
    private func record(in segment: String, at fraction: Double) -> Range<Int> {
        var ranges: [Range<Int>] = []
        let bytes = files[segment]!
        bytes.withUnsafeBytes { raw in
            var offset = Format.segmentHeaderBytes
            while case .record(_, let next) = RecordCodec.decode(raw, at: offset) {
                ranges.append(offset..<min(next, raw.count))
                offset = next
                if offset >= raw.count { break }
            }
        }
        let middle = min(ranges.count - 1, Int(Double(ranges.count) * fraction))
        if fraction >= 1 { return ranges[middle] }
        return ranges[max(0, middle - 5)..<min(ranges.count - 1, middle + 5)].min { $0.count < $1.count }!
    }

    /// The last entry of an index file (its first entry if it has only one).
    private func entry(in index: String) -> Range<Int> {
        let count = (files[index]!.count - Format.positionIndexHeaderBytes) / Format.positionIndexEntryBytes
        precondition(count > 0, "\(index) has no entries")
        let start = Format.positionIndexHeaderBytes + (count - 1) * Format.positionIndexEntryBytes
        return start..<(start + Format.positionIndexEntryBytes)
    }
}
