import AnnalsLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drives the real `annals append` process and SIGKILLs it at seeded random moments, then
/// reopens the store and checks it: every acknowledged event present byte for byte at its
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

    /// Runs one child, kills it after a seeded delay, and returns the problems the reopened store shows.
    public func killOnce(durability: String = "always") throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = ["append", "--dir", directory, "--segment-size", "16384", "--durability", durability]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
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
        var order: [String] = []
        let killAfterMicroseconds = Int.random(in: 2_000...150_000, using: &random)
        let start = DispatchTime.now().uptimeNanoseconds
        while Int(DispatchTime.now().uptimeNanoseconds - start) / 1000 < killAfterMicroseconds {
            var burst: [UInt8] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let event = makeEvent()
                order.append(event.id)
                burst += line(for: event)
            }
            let wrote = burst.withUnsafeBytes { Glibc.write(input.fileHandleForWriting.fileDescriptor, $0.baseAddress, $0.count) }
            if wrote < 0 { break }
            usleep(UInt32(Int.random(in: 0...2_000, using: &random)))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        while reader.isExecuting { usleep(500) }
        kills += 1
        var problems = record(acks: acks.withLock { $0 }, order: order)
        problems += try checkStore()
        return problems.map { "seed \(seed) kill \(kills): \($0)" }
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

    /// Reopens the store (as the next writer would) and checks it against what was sent and acked.
    public func checkStore() throws -> [String] {
        let log = try Log.open(directory: directory)
        defer { try? log.close() }
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
