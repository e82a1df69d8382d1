import AnnalsLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 of a chain of `annals append --stream S --expected-version N` writers (issue 15 §4):
/// one stream, one writer at a time. Each child resumes from the last acknowledgement the
/// previous ones gave: it is started with `--expected-version` set to the last acknowledged
/// version, first re-sends, burst by burst, every event that was sent but not acknowledged
/// (each may or may not have been written before the kill, so each burst is either replayed
/// with its original place or written new), then sends new bursts, and is killed at a point
/// drawn from the seed. After every kill the stream must be exactly the events sent, in order,
/// from version 0 with no gap and no duplicate, covering every acknowledgement.
///
/// Bursts are single `write`s of at most `PIPE_BUF` bytes, so the child reads each whole and
/// commits it atomically (with the default segment size no read is ever split), and a re-sent
/// burst is either wholly stored (a replay) or not at all.
public final class ExpectedVersionChainHarness {
    public let directory: String
    public let seed: UInt64
    public static let stream = "chain"
    /// Every burst ever sent, in order; each event's index in their concatenation is its version.
    private var bursts: [[String]] = []
    private var payloads: [String: [UInt8]] = [:]
    /// Acknowledged events so far: always a prefix of the concatenated bursts.
    private var acknowledged: [(id: String, position: UInt64)] = []
    /// Positions of acknowledgements the client "forgot" (as if it died before recording them):
    /// their events must come back as replays at these positions.
    private var forgotten: [String: UInt64] = [:]
    public private(set) var kills = 0
    public private(set) var replayedTotal = 0
    public var acknowledgedTotal: Int { acknowledged.count }

    public init(directory: String, seed: UInt64) {
        self.directory = directory
        self.seed = seed
    }

    private var sentIDs: [String] { bursts.flatMap { $0 } }

    /// Starts a child where the last acknowledgement left off, kills it at its seeded point and
    /// checks the store. Returns the problems found.
    public func killOnce() throws -> [String] {
        kills += 1
        var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(kills))
        // One kill in three, the client also lost its record of the last 1 to 3 acknowledged
        // bursts: it resumes from an older acknowledgement, so those bursts are replays.
        if Int.random(in: 0..<3, using: &random) == 0 { forget(bursts: Int.random(in: 1...3, using: &random)) }
        let expected = acknowledged.isEmpty ? "no-stream" : "\(acknowledged.count - 1)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = ["append", "--dir", directory, "--stream", Self.stream, "--expected-version", expected]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
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
        let ackCount = { acks.withLock { bytes in bytes.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } } }
        var problems: [String] = []
        var order: [String] = []
        let writer = input.fileHandleForWriting.fileDescriptor
        func send(_ burst: [String], wait: Bool) -> Bool {
            let bytes = burst.flatMap { line(for: $0) }
            guard bytes.withUnsafeBytes({ Glibc.write(writer, $0.baseAddress, $0.count) }) == bytes.count else { return false }
            order += burst
            guard wait else { return true }
            let target = order.count
            if !Deadline.wait(seconds: 30, until: { ackCount() >= target || !process.isRunning }) || ackCount() < target {
                problems.append("the child \(process.isRunning ? "hung" : "stopped") before acknowledging \(target) events (\(ackCount()))"
                                + (process.isRunning ? "; its threads: " + Self.threadStates(process.processIdentifier) : ""))
                return false
            }
            return true
        }
        // Re-send what the last child may or may not have written, one burst at a time, since a
        // burst mixing stored and new events is refused as an idempotency conflict.
        let firstUnacknowledged = acknowledgedBursts()
        let killDuringResend = Int.random(in: 0..<4, using: &random) == 0
        var alive = true
        for (index, burst) in bursts[firstUnacknowledged...].enumerated() where alive {
            alive = send(burst, wait: !(killDuringResend && index == bursts.count - firstUnacknowledged - 1))
        }
        if alive && !killDuringResend {
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let burst = makeBurst(using: &random)
                bursts.append(burst)
                if !send(burst, wait: Bool.random(using: &random)) { break }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        Deadline.wait(seconds: 10) { !reader.isExecuting }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        problems += record(acks: acks.withLock { $0 }, order: order)
        problems += try checkStore()
        if !problems.isEmpty, !stderr.isEmpty { problems.append("child stderr: \(stderr.prefix(500))") }
        return problems.map { "seed \(seed) kill \(kills) (expected version \(expected)): \($0)" }
    }

    /// Drops the acknowledgements of the last `count` wholly acknowledged bursts.
    private func forget(bursts count: Int) {
        let keep = max(0, acknowledgedBursts() - count)
        let events = bursts[..<keep].reduce(0) { $0 + $1.count }
        for entry in acknowledged[events...] { forgotten[entry.id] = entry.position }
        acknowledged.removeSubrange(events...)
    }

    /// Each thread's name, state and kernel wait channel, from /proc: what a hung child was doing.
    static func threadStates(_ pid: Int32) -> String {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.sorted().map { task in
            let base = "/proc/\(pid)/task/\(task)/"
            let name = (try? String(contentsOfFile: base + "comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            let state = (try? String(contentsOfFile: base + "stat", encoding: .utf8))?.split(separator: ")").last?.split(separator: " ").first ?? "?"
            let channel = (try? String(contentsOfFile: base + "wchan", encoding: .utf8)) ?? "?"
            return "\(name) \(state) \(channel)"
        }.joined(separator: ", ")
    }

    /// How many leading bursts are wholly acknowledged.
    private func acknowledgedBursts() -> Int {
        var events = 0
        for (index, burst) in bursts.enumerated() {
            events += burst.count
            if events > acknowledged.count { return index }
        }
        return bursts.count
    }

    /// Pairs this child's k-th acknowledgement with the k-th event it was sent: a replayed
    /// event must keep its original position, a new one must get the next version.
    private func record(acks: [UInt8], order: [String]) -> [String] {
        let lines = acks.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        let all = sentIDs
        var problems: [String] = []
        for (index, line) in lines.enumerated() {
            guard index < order.count,
                  let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let position = (object["position"] as? NSNumber)?.uint64Value,
                  let version = (object["version"] as? NSNumber)?.uint64Value,
                  object["stream"] as? String == Self.stream
            else {
                problems.append("bad acknowledgement line \(index): \(String(decoding: line, as: UTF8.self))")
                continue
            }
            let id = order[index]
            guard let ordinal = all.firstIndex(of: id), UInt64(ordinal) == version else {
                problems.append("\(id) acknowledged at version \(version), which is not its place in the chain")
                continue
            }
            if ordinal < acknowledged.count {
                replayedTotal += 1
                if acknowledged[ordinal].position != position {
                    problems.append("\(id) re-sent was acknowledged at \(position), first at \(acknowledged[ordinal].position)")
                }
            } else if ordinal == acknowledged.count {
                if let first = forgotten.removeValue(forKey: id) {
                    replayedTotal += 1
                    if first != position { problems.append("\(id) re-sent was acknowledged at \(position), first at \(first)") }
                }
                acknowledged.append((id, position))
            } else {
                problems.append("\(id) acknowledged at version \(version) before version \(acknowledged.count)")
            }
        }
        return problems
    }

    /// The stream holds exactly a prefix of the events sent, version k the k-th, covering
    /// every acknowledgement at its position, and `verify` is clean.
    public func checkStore() throws -> [String] {
        let log = try Log.open(directory: directory)
        defer { try? log.close() }
        let all = sentIDs
        var problems: [String] = []
        var count = 0
        try log.forEachRecord(from: .first) { view in
            let record = view.materialize()
            let id = record.eventID.description
            if record.stream != Self.stream || record.streamVersion != UInt64(count) || count >= all.count || all[count] != id {
                problems.append("record \(record.position) is \(id) at version \(record.streamVersion), expected \(count < all.count ? all[count] : "nothing") at \(count)")
            } else if record.payload != payloads[id] {
                problems.append("record \(record.position) (\(id)) differs from what was sent")
            }
            if count < acknowledged.count, acknowledged[count].position != record.position.rawValue {
                problems.append("\(id) was acknowledged at \(acknowledged[count].position), is at \(record.position)")
            }
            count += 1
            return problems.count < 10
        }
        if count < acknowledged.count {
            problems.append("the stream ends at version \(count - 1) but version \(acknowledged.count - 1) was acknowledged")
        }
        let report = log.verify()
        if !report.isHealthy { problems.append("verify: \(report.problems.prefix(3))") }
        return problems
    }

    /// 1 to 8 events of at most 400 bytes each: under `PIPE_BUF`, so one atomic write.
    private func makeBurst(using random: inout SeededRandom) -> [String] {
        (0..<Int.random(in: 1...8, using: &random)).map { _ in
            let ordinal = payloads.count + 1
            let id = String(format: "%08x-0000-4000-8000-%012x", UInt32(truncatingIfNeeded: seed), ordinal)
            payloads[id] = Array("{\"n\":\(ordinal),\"pad\":\"\(String(repeating: "y", count: Int.random(in: 0...300, using: &random)))\"}".utf8)
            return id
        }
    }

    private func line(for id: String) -> [UInt8] {
        Array("{\"type\":\"Chained\",\"id\":\"\(id)\",\"data\":".utf8) + payloads[id]! + Array("}\n".utf8)
    }
}
