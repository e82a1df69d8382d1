import AnnalsLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drives the real `annals append` process and SIGKILLs it at seeded points (`KillSchedule`),
/// then reopens the store and checks it: every acknowledged event present byte for byte at its
/// acknowledged position, positions gapless, every visible record one that was sent (nothing
/// torn), and `verify()` clean. One harness runs many kills against one store directory.
public final class KillNineHarness {
    public struct Event {
        public var id: String
        public var stream: String
        public var type: String
        public var data: [UInt8]
        public var metadata: [UInt8]
    }

    public let directory: String
    public let seed: UInt64
    private var random: SeededRandom
    /// Every event ever sent, by its id (lower-case UUID text).
    private var sent: [String: Event] = [:]
    /// Acknowledged positions and the ids acknowledged there.
    private var acknowledged: [UInt64: String] = [:]
    private var nextEvent = 0
    public private(set) var kills = 0
    public private(set) var acknowledgedTotal = 0

    public init(directory: String, seed: UInt64) {
        self.directory = directory
        self.seed = seed
        self.random = SeededRandom(seed: seed)
        signal(SIGPIPE, SIG_IGN)  // writes to a killed child must fail, not kill the test
    }

    /// When to kill a child, drawn from the seed (never from the clock), so a seed replays the
    /// same bursts and the same kill point: after `killAfterAcknowledgements` events are
    /// acknowledged (0: at once, while the child may still be opening the store), write
    /// `burstsBeforeKill` more bursts and kill at once, so the child dies with work in flight.
    public struct KillSchedule: Equatable, Sendable {
        public var killAfterAcknowledgements: Int
        public var burstsBeforeKill: Int
        /// At most this many events are sent but not yet acknowledged while pacing.
        public var eventsInFlightMax: Int

        init(using random: inout SeededRandom) {
            killAfterAcknowledgements = Int.random(in: 0..<8, using: &random) == 0 ? 0 : Int.random(in: 1...150, using: &random)
            burstsBeforeKill = Int.random(in: 0...3, using: &random)
            eventsInFlightMax = Int.random(in: 1...24, using: &random)
        }
    }

    /// The generator of kill number `kill` (from 1) of a run with `seed`.
    static func generator(seed: UInt64, kill: Int) -> SeededRandom {
        SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(kill))
    }

    /// The schedule kill number `kill` of a run with `seed` follows: the same for every run.
    public static func schedule(seed: UInt64, kill: Int) -> KillSchedule {
        var random = generator(seed: seed, kill: kill)
        return KillSchedule(using: &random)
    }

    /// How long a child may take to acknowledge what it was sent before the run counts as hung.
    static let acknowledgementWaitSeconds = 30.0

    /// Runs one child, kills it at its seeded point, and returns the problems the reopened store
    /// shows. A failing kill keeps a copy of the store as the child left it and the child's
    /// stderr, and names both in its problems.
    public func killOnce(durability: String = "always") throws -> [String] {
        kills += 1
        // Each kill draws from its own generator, so timing that changes how many events one
        // kill sends cannot shift the schedules and events of the kills after it.
        random = Self.generator(seed: seed, kill: kills)
        let schedule = KillSchedule(using: &random)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = ["append", "--dir", directory, "--segment-size", "16384", "--durability", durability]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard FileManager.default.createFile(atPath: stderrPath, contents: nil),
              let errorFile = FileHandle(forWritingAtPath: stderrPath)
        else { return ["seed \(seed) kill \(kills): cannot create \(stderrPath)"] }
        defer { try? errorFile.close() }
        process.standardError = errorFile
        try process.run()
        let acks = Guarded<[UInt8]>([])
        let reader = Thread {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                acks.withLock { $0 += Array(chunk) }
            }
        }
        reader.start()
        let acknowledgedCount = { acks.withLock { (bytes) -> Int in bytes.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } } }
        var order: [String] = []
        var problems: [String] = []
        let writer = input.fileHandleForWriting.fileDescriptor
        while acknowledgedCount() < schedule.killAfterAcknowledgements {
            let paced = Deadline.wait(seconds: Self.acknowledgementWaitSeconds) {
                order.count - acknowledgedCount() < schedule.eventsInFlightMax || !process.isRunning
            }
            guard paced, process.isRunning else {
                problems.append("the child \(process.isRunning ? "hung" : "exited") before \(schedule.killAfterAcknowledgements) acknowledgements (\(acknowledgedCount()) of \(order.count) sent)")
                break
            }
            if !sendBurst(to: writer, recording: &order) { break }
        }
        for _ in 0..<schedule.burstsBeforeKill {
            if !sendBurst(to: writer, recording: &order) { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        Deadline.wait(seconds: 10) { !reader.isExecuting }
        problems += record(acks: acks.withLock { $0 }, order: order)
        damageAfterKill?(directory)
        try keepCopyOfStore()
        do {
            problems += try checkStore()
        } catch {
            problems.append("reopening the store failed: \(error)")
        }
        if problems.isEmpty {
            TemporaryDirectory.removeTree(copyPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
            return []
        }
        kept = true
        return problems.map {
            "seed \(seed) kill \(kills) \(schedule): \($0) (the store as the child left it: \(copyPath); the child's stderr: \(stderrPath))"
        }
    }

    /// Runs on the store directory right after each kill, before the copy and the check; for
    /// the test that proves a failing kill keeps its evidence.
    public var damageAfterKill: ((String) -> Void)?

    /// True once a kill failed: its store copy and stderr are kept for a person to look at.
    public private(set) var kept = false
    /// The copy of the store as the last child left it, taken before the check reopens it.
    public var copyPath: String { directory + ".as-killed" }
    /// The last child's standard error.
    public var stderrPath: String { directory + ".child-stderr" }

    /// Writes one burst of 1 to 12 seeded events; false if the child's stdin is gone.
    private func sendBurst(to descriptor: Int32, recording order: inout [String]) -> Bool {
        var burst: [UInt8] = []
        for _ in 0..<Int.random(in: 1...12, using: &random) {
            let event = makeEvent()
            order.append(event.id)
            burst += line(for: event)
        }
        return burst.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == burst.count
    }

    /// Copies the store's files, as the killed child left them, to `copyPath`.
    private func keepCopyOfStore() throws {
        TemporaryDirectory.removeTree(copyPath)
        try FileManager.default.createDirectory(atPath: copyPath, withIntermediateDirectories: false)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: copyPath + "/" + name)
        }
    }

    private func makeEvent() -> Event {
        nextEvent += 1
        let id = String(format: "%08x-0000-4000-8000-%012x", UInt32(truncatingIfNeeded: seed), nextEvent)
        let pad = String(repeating: "x", count: Int.random(in: 0...300, using: &random))
        let data = Array("{\"n\":\(nextEvent),\"pad\":\"\(pad)\"}".utf8)
        let metadata = Bool.random(using: &random) ? Array("{\"k\":\(nextEvent % 7)}".utf8) : []
        let event = Event(id: id, stream: "s-\(Int.random(in: 0..<5, using: &random))", type: "Tortured", data: data, metadata: metadata)
        sent[id] = event
        return event
    }

    private func line(for event: Event) -> [UInt8] {
        var text = "{\"stream\":\"\(event.stream)\",\"type\":\"\(event.type)\",\"id\":\"\(event.id)\",\"data\":"
        text += String(decoding: event.data, as: UTF8.self)
        if !event.metadata.isEmpty { text += ",\"metadata\":" + String(decoding: event.metadata, as: UTF8.self) }
        return Array((text + "}\n").utf8)
    }

    /// Pairs the k-th complete acknowledgement line with the k-th event sent to this child.
    private func record(acks: [UInt8], order: [String]) -> [String] {
        let lines = acks.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        var problems: [String] = []
        for (index, line) in lines.enumerated() {
            guard index < order.count,
                  let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let position = (object["position"] as? NSNumber)?.uint64Value
            else {
                problems.append("bad acknowledgement line \(index): \(String(decoding: line, as: UTF8.self))")
                continue
            }
            acknowledged[position] = order[index]
            acknowledgedTotal += 1
        }
        return problems
    }

    /// Checks the store against what was sent and acked twice: first opened read-only, which
    /// changes nothing (a failure keeps the evidence exactly as the killed writer left it) and
    /// shows what that writer had made durable; then reopened as the next writer would, after
    /// its recovery.
    public func checkStore() throws -> [String] {
        // A writer killed before its open published `HEAD` acknowledged nothing, and leaves a
        // store that only recovery can read; once anything is acknowledged, `HEAD` names it.
        do {
            let readOnly = try Log.open(directory: directory, mode: .readOnly)
            let before = try check(readOnly).map { "read-only, before recovery: \($0)" }
            try readOnly.close()
            if !before.isEmpty { return before }
        } catch let error as LogError where error.code == .notFound && acknowledgedTotal == 0 {}
        let log = try Log.open(directory: directory)
        defer { try? log.close() }
        return try check(log)
    }

    private func check(_ log: Log) throws -> [String] {
        var problems: [String] = []
        var expected: UInt64 = 1
        try log.forEachRecord(from: .first) { view in
            let record = view.materialize()
            if record.position.rawValue != expected { problems.append("position \(record.position) where \(expected) was expected") }
            expected = record.position.rawValue + 1
            let id = record.eventID.description
            if let ackedID = acknowledged[record.position.rawValue], ackedID != id {
                problems.append("position \(record.position) holds \(id) but \(ackedID) was acknowledged there")
            }
            guard let event = sent[id] else {
                problems.append("position \(record.position) holds \(id), which was never sent")
                return problems.count < 10
            }
            if record.payload != event.data || record.metadata != event.metadata || record.stream != event.stream
                || record.eventType != event.type {
                problems.append("position \(record.position) (\(id)) differs from what was sent")
            }
            return problems.count < 10
        }
        if let missing = acknowledged.keys.filter({ $0 >= expected }).min() {
            problems.append("acknowledged position \(missing) is gone (the log ends at \(expected - 1))")
        }
        let report = log.verify()
        if !report.isHealthy { problems.append("verify: \(report.problems.prefix(3))") }
        return problems
    }
}
