@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Shared pieces of the cluster tests: a source store with varied events, `annals` processes
/// run in the background, and a look at what a JetStream stream holds.
enum ReplicationFixtures {
    /// Stream names that need the subject encoding, mixed in with ordinary ones.
    static let oddStreams: [StreamName] = ["a.b c", "é/ü", "*", ">", "%41", "x.y.z"]

    /// Events for `count` positions: ~1000 streams, three types, JSON data with padding,
    /// JSON metadata on every third and non-UTF-8 metadata on every seventh, tags (some needing
    /// the subject encoding) on every fifth.
    static func events(_ range: Range<Int>) -> [StreamAppend] {
        range.map { index in
            let stream: StreamName = index % 101 == 0 ? oddStreams[index % oddStreams.count] : "order-\(index % 997)"
            let type = ["OrderPlaced", "ItemAdded", "order.shipped"][index % 3]
            let data = Array(#"{"i":\#(index),"pad":"\#(String(repeating: "x", count: 150 + index % 50))"}"#.utf8)
            let metadata: [UInt8] = index % 7 == 0 ? [0xFF, 0, UInt8(index & 0xFF)] : index % 3 == 0 ? Array(#"{"corr":"c\#(index)"}"#.utf8) : []
            let tags = index % 5 == 0 ? ["customer:c\(index % 13)", index % 2 == 0 ? "a.b c/é" : "x"] : []
            return StreamAppend(stream: stream, events: [EventData(type: type, data: data, metadata: metadata, tags: tags)])
        }
    }

    /// Appends `count` events to `store` in atomic batches of 1000.
    static func fill(_ store: EventStore, from start: Int = 0, count: Int) async throws {
        var index = start
        while index < start + count {
            let end = min(index + 1000, start + count)
            try await store.append(events(index..<end))
            index = end
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "annals.nats.tests")
        logger.logLevel = .critical
        return logger
    }

    static func configuration(_ cluster: NATSCluster, stream: String, replicas: Int = 3) -> ReplicationConfiguration {
        var configuration = ReplicationConfiguration(servers: cluster.urls, streamName: stream, replicas: replicas)
        configuration.ackTimeoutMilliseconds = 2_000
        configuration.requestTimeoutMilliseconds = 2_000
        configuration.stallTimeoutMilliseconds = 30_000
        return configuration
    }

    /// A connection for looking at the cluster from the test.
    static func connect(_ cluster: NATSCluster) throws -> NATSConnection {
        try NATSConnection.connect(servers: cluster.urls, name: "annals-test", connectTimeoutMilliseconds: 2_000,
                                   requestTimeoutMilliseconds: 2_000)
    }

    /// Every change (event or deletion) the JetStream stream holds, in sequence order, read through an ordered consumer.
    static func allChanges(_ connection: NATSConnection, stream: String, expected: Int) throws -> [ReplicatedChange] {
        guard let state = try connection.streamState(stream) else { throw ClusterError("stream \(stream) is missing") }
        let subscription = try OrderedSubscription(connection, stream: stream, subject: state.subjects[0], startSequence: 1)
        defer { subscription.close() }
        var events: [ReplicatedChange] = []
        let deadline = Date().addingTimeInterval(60)
        while UInt64(events.count) < state.messages, Date() < deadline {
            events += try subscription.next(limit: 4096, timeoutMilliseconds: 500)
        }
        return events
    }

    /// Polls until `condition` holds, failing after `seconds`.
    static func waitUntil(seconds: Double, _ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { throw ClusterError("timed out after \(seconds) s waiting for \(what)") }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }
}

/// An `annals` process running in the background (for `--follow` runs that a test kills).
final class BackgroundCLI: @unchecked Sendable {
    let process = Process()
    private let errorFile: String

    init(_ arguments: [String], errorFile: String) throws {
        self.errorFile = errorFile
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorFile))
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var stderr: String { (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "" }

    func kill(_ signal: Int32 = SIGKILL) {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }
}
