public import AnnalsLog
import Glibc
public import AnnalsTestSupport

/// What every fuzz target does with its input: lay the files out on an in-memory simulated file
/// system, open the store, read everything and verify it. A typed error is a fine answer to bad
/// bytes; a trap, or data that breaks the log's invariants, is a finding: the invariant checks
/// call `fatalError`, so libFuzzer reports them as crashes with the input that caused them.
public enum FuzzStore {
    public static let directory = "/fuzz"
    public static let segmentBytes = 16384
    public static let firstSegment = "00000000000000000001.log"

    /// The 64-byte header of a valid first segment, taken from a store the log itself created.
    public static func validHeader() -> [UInt8] { pristineHeader }

    private static let pristineHeader: [UInt8] = {
        let fs = SimulatedFileSystem(seed: 0)
        let log = try! Log.open(directory: directory, options: options(fs))
        try! log.close()
        return Array(fs.contents(of: directory + "/" + firstSegment)!.prefix(64))
    }()

    static func options(_ fs: SimulatedFileSystem) -> LogOptions {
        LogOptions(segmentBytes: segmentBytes, fileSystem: fs, clock: { 1_700_000_000_000_000_000 })
    }

    /// Writes `files` (name to bytes) into a fresh simulated store directory, durably.
    public static func fileSystem(with files: [String: [UInt8]]) -> SimulatedFileSystem {
        let fs = SimulatedFileSystem(seed: 0, faults: FaultPlan(tornWritesOnCrash: false))
        try! fs.createDirectory(directory)
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            let file = try! fs.create(directory + "/" + name)
            bytes.withUnsafeBytes { try! file.write(at: 0, $0) }
            try! file.sync()
        }
        try! fs.syncDirectory(directory)
        return fs
    }

    /// Opens a store of one segment holding `segment`, then checks it reads back consistently.
    public static func openAndCheck(segment: [UInt8]) {
        let fs = fileSystem(with: [firstSegment: segment])
        guard let log = try? Log.open(directory: directory, options: options(fs)) else { return }
        defer { try? log.close() }
        checkConsistent(log)
    }

    /// Reads the whole log and checks what any open store must satisfy: positions gapless from
    /// 1 up to `nextPosition`, any read failure a typed `.corruption`, and `verify` not trapping.
    /// Then appends one record and reads it back, proving recovery left a usable tail.
    public static func checkConsistent(_ log: Log) {
        var expected: UInt64 = 1
        do throws(LogError) {
            try log.forEachRecord(from: .first) { view in
                require(view.position.rawValue == expected, "position \(view.position) where \(expected) was expected")
                expected += 1
                return true
            }
            require(expected == log.nextPosition.rawValue, "read \(expected - 1) records but nextPosition is \(log.nextPosition)")
        } catch {
            require(error.code == .corruption, "a read failed with \(error), not a corruption error")
        }
        _ = log.verify()
        let entry = LogEntry(stream: "fuzz", eventType: "Probe", payload: [1, 2, 3])
        guard let range = try? log.append([entry]) else { return }
        guard let back = try? log.record(at: range.positions.lowerBound) else { return }
        require(back.payload == entry.payload && back.stream == entry.stream, "the appended record read back different")
    }

    /// True when both lists hold the same records, field by field. The same answer as `==`, but
    /// the byte arrays are compared with `memcmp`: the generic `Array ==` that `==` reaches is
    /// compiled into the fuzz target with coverage hooks on every byte, which made comparing a
    /// 160-record store a fifth of each execution's time (docs/RELIABILITY.md, deep fuzzing).
    public static func sameRecords(_ left: [LogRecord]?, _ right: [LogRecord]) -> Bool {
        guard let left, left.count == right.count else { return false }
        for (a, b) in zip(left, right) {
            guard a.position == b.position, a.timestamp == b.timestamp, a.streamVersion == b.streamVersion,
                  a.eventID == b.eventID, a.flags == b.flags, a.stream == b.stream, a.eventType == b.eventType,
                  sameBytes(a.metadata, b.metadata), sameBytes(a.payload, b.payload)
            else { return false }
        }
        return true
    }

    /// `a == b` for byte arrays, through `memcmp`.
    public static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in a.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
    }

    /// Traps with `message` when `condition` fails: a finding for libFuzzer.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzz invariant broken: \(message())") }
    }
}
