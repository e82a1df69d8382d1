@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Foundation
import Testing

/// The command line's clear failures: each exits non-zero with a message, well before any hang.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ReplicationErrorTests {
    /// Proves an unreachable server list fails fast with the URLs named.
    @Test func unreachableServersFailWithTheirURLs() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.file("s"))
        try await ReplicationFixtures.fill(store, count: 3)
        try await store.close()
        let port = try NATSCluster.freePorts(1)[0]
        let started = Date()
        let result = try CLIProcess.run(["replicate", "--dir", dir.file("s"), "--nats", "nats://127.0.0.1:\(port)", "--js-stream", "X", "--timeout", "3"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot reach NATS at nats://127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 20)
    }

    /// Proves restore from a missing stream, replication of another store into a used stream,
    /// a restore into a store of other origin, and a wrong subject prefix each fail with a message.
    @Test func missingOrForeignStreamsFailClearly() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let (one, two) = (cluster.directory.file("one"), cluster.directory.file("two"))
        for (dir, start) in [(one, 0), (two, 1000)] {
            let store = try await EventStore.open(directory: dir)
            try await ReplicationFixtures.fill(store, from: start, count: 20)
            try await store.close()
        }
        let nats = ["--nats", cluster.urlList]
        let missing = try CLIProcess.run(["restore", "--dir", cluster.directory.file("r"), "--js-stream", "NOPE"] + nats)
        #expect(missing.status != 0 && missing.stderr.contains("JetStream stream NOPE does not exist"), "\(missing.stderr)")

        let replicate = try CLIProcess.run(["replicate", "--dir", one, "--js-stream", "ONE", "--replicas", "1"] + nats)
        #expect(replicate.status == 0, "\(replicate.stderr)")
        #expect(replicate.stdoutLines == [#"{"replicated": 20, "lastPosition": 20, "jsSequence": 20}"#])
        let again = try CLIProcess.run(["replicate", "--dir", one, "--js-stream", "ONE", "--replicas", "1"] + nats)
        #expect(again.stdoutLines == [#"{"replicated": 0, "lastPosition": 20, "jsSequence": 20}"#], "a rerun publishes nothing")

        let foreign = try CLIProcess.run(["replicate", "--dir", two, "--js-stream", "ONE", "--replicas", "1"] + nats)
        #expect(foreign.status != 0 && foreign.stderr.contains("holds another store's events"), "\(foreign.stderr)")
        let foreignRestore = try CLIProcess.run(["restore", "--dir", two, "--js-stream", "ONE"] + nats)
        #expect(foreignRestore.status != 0 && foreignRestore.stderr.contains("holds another store's events"), "\(foreignRestore.stderr)")
        let prefix = try CLIProcess.run(["replicate", "--dir", one, "--js-stream", "ONE", "--subject-prefix", "other"] + nats)
        #expect(prefix.status != 0 && prefix.stderr.contains("check --subject-prefix"), "\(prefix.stderr)")

        // Through the library, the same refusals carry a code and where they happened.
        let store = try await EventStore.open(directory: two)
        let configuration = ReplicationFixtures.configuration(cluster, stream: "ONE", replicas: 1)
        let restoreError = await #expect(throws: ReplicationError.self) {
            try await Restorer(store: store, configuration: configuration, logger: ReplicationFixtures.logger).catchUp()
        }
        #expect(restoreError?.code == .foreignStream && restoreError?.jetStreamName == "ONE")
        #expect(restoreError?.position == LogPosition(20) && restoreError?.sequence == 20, "\(String(describing: restoreError))")
        let replicateError = await #expect(throws: ReplicationError.self) {
            try await Replicator(store: store, configuration: configuration, logger: ReplicationFixtures.logger).catchUp()
        }
        #expect(replicateError?.code == .foreignStream && replicateError?.jetStreamName == "ONE" && replicateError?.sequence == 20)
        try await store.close()
        let empty = try await EventStore.open(directory: cluster.directory.file("e"))
        var nope = configuration
        nope.streamName = "NOPE"
        let missingError = await #expect(throws: ReplicationError.self) {
            try await Restorer(store: empty, configuration: nope, logger: ReplicationFixtures.logger).catchUp()
        }
        #expect(missingError == .streamMissing("NOPE") && missingError?.jetStreamName == "NOPE")
        try await empty.close()
    }

    /// Proves `annals restore --follow` keeps a replica up to date as the source grows and
    /// ends cleanly with its summary line on SIGTERM.
    @Test func restoreFollowAppliesNewEventsUntilSIGTERM() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let source = cluster.directory.file("source"), replica = cluster.directory.file("replica")
        let nats = ["--nats", cluster.urlList, "--js-stream", "F"]
        let store = try await EventStore.open(directory: source)
        let replicator = Replicator(store: store, configuration: ReplicationFixtures.configuration(cluster, stream: "F", replicas: 1),
                                    logger: ReplicationFixtures.logger)
        let follow = Task { try await replicator.follow() }
        try await ReplicationFixtures.fill(store, count: 100)
        try await replicator.waitUntilAcknowledged(LogPosition(100), timeout: .seconds(20))
        let output = cluster.directory.file("restore.out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = ["restore", "--dir", replica, "--follow"] + nats
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await ReplicationFixtures.fill(store, from: 100, count: 50)
        try await replicator.waitUntilAcknowledged(LogPosition(150), timeout: .seconds(20))
        // The replica is locked by the restore process; its active segment holds the data raw,
        // so the last event's data appearing in it means the follower has applied it.
        try await ReplicationFixtures.waitUntil(seconds: 40, "the follower to apply the last event") {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: replica)) ?? []
            return files.filter { $0.hasSuffix(".log") }.contains { name in
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: replica + "/" + name))) ?? Data()
                return bytes.range(of: Data(#"{"i":149,"#.utf8)) != nil
            }
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let line = try String(contentsOfFile: output, encoding: .utf8)
        #expect(line == #"{"replicated": 150, "lastPosition": 150, "jsSequence": 150}"# + "\n")
        follow.cancel()
        _ = try await follow.value
        let expected = try await store.readAll()
        try await store.close()
        let replicaStore = try await EventStore.open(directory: replica)
        let restored = try await replicaStore.readAll()
        try await replicaStore.close()
        #expect(restored.map(\.id) == expected.map(\.id))
        #expect(restored.map(\.data) == expected.map(\.data))
    }
}
