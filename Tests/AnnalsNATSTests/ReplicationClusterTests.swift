@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Foundation
import Testing

/// Replication through node and replicator kills, then restore: the issue's end-to-end test.
/// `ANNALS_NATS_EVENTS` sets the number of events (default 100,000). It takes about 80 s alone
/// in a debug build on the 2-core machine, 150-200 s beside the rest of the suite; the limit
/// leaves room above that, and still fails a hang.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ReplicationClusterTests {
    static let eventCount = ProcessInfo.processInfo.environment["ANNALS_NATS_EVENTS"].flatMap(Int.init) ?? 100_000

    /// Proves the R3 stream holds every event exactly once, in log order, with Nats-Msg-Id =
    /// event id, after SIGKILLing the stream leader at 25% (restarted at 50%) and SIGKILLing
    /// the replicator at 50% (restarted until caught up); then that a restored store's
    /// `annals read` output equals the source's byte for byte.
    @Test func replicationSurvivesNodeAndReplicatorKillsThenRestoresIdentically() async throws {
        let count = Self.eventCount
        let clock = ContinuousClock(), began = clock.now
        func phase(_ name: String) { print("replication test: \(name) at \(clock.now - began)") }
        let cluster = try NATSCluster(nodes: 3)
        defer { cluster.stop() }
        let source = cluster.directory.file("source"), replica = cluster.directory.file("replica")
        let store = try await EventStore.open(directory: source)
        try await ReplicationFixtures.fill(store, count: count)
        let ids = try await store.readAll().map(\.id)
        try await store.close()
        #expect(ids.count == count)

        phase("source store filled")
        let look = try ReplicationFixtures.connect(cluster)
        defer { look.close() }
        let arguments = ["replicate", "--dir", source, "--nats", cluster.urlList, "--js-stream", "ORDERS", "--timeout", "60"]
        let first = try BackgroundCLI(arguments + ["--follow"], errorFile: cluster.directory.file("replicate1.err"))
        defer { first.kill() }
        // While the cluster elects a new leader, requests time out: read that as "no news".
        func held() -> UInt64 { ((try? look.streamState("ORDERS")) ?? nil)?.messages ?? 0 }
        try await ReplicationFixtures.waitUntil(seconds: 60, "25% replicated") { held() >= UInt64(count / 4) }
        let leader = try #require(try look.streamState("ORDERS")?.leader)
        let victim = try #require(Int(leader.dropFirst()))
        cluster.kill(victim)
        try await ReplicationFixtures.waitUntil(seconds: 60, "50% replicated with a node down") { held() >= UInt64(count / 2) }
        first.kill()
        let retries = first.stderr.components(separatedBy: "retrying").count - 1
        print("replicator before its SIGKILL: \(retries) failed sessions re-synced after killing stream leader n\(victim)")
        #expect(held() < UInt64(count), "the replicator was killed partway, not after the end")
        try cluster.start(victim)

        phase("first replicator killed")
        let second = try CLIProcess.run(arguments)
        phase("second replicator caught up")
        #expect(second.status == 0, "\(second.stderr)")
        let summary = try #require(second.stdoutLines.last)
        #expect(summary.hasSuffix(#""lastPosition": \#(count), "jsSequence": \#(count)}"#), "\(summary)")

        let state = try #require(try look.streamState("ORDERS"))
        #expect(state.messages == UInt64(count))
        #expect(state.firstSequence == 1 && state.lastSequence == UInt64(count))
        let events = try ReplicationFixtures.allChanges(look, stream: "ORDERS", expected: count)
        #expect(events.count == count)
        for (index, event) in events.enumerated() where event.sequence != UInt64(index + 1) || event.position.rawValue != UInt64(index + 1) || event.id != ids[index] {
            Issue.record("sequence \(index + 1) holds sequence \(event.sequence), position \(event.position), id \(event.id); expected id \(ids[index])")
            break
        }

        phase("stream checked")
        let restore = try CLIProcess.run(["restore", "--dir", replica, "--nats", cluster.urlList, "--js-stream", "ORDERS"])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdoutLines.last == #"{"replicated": \#(count), "lastPosition": \#(count), "jsSequence": \#(count)}"#)
        phase("restored")
        async let sourceReading = Task.detached { try CLIProcess.run(["read", "--dir", source]) }.value
        async let replicaReading = Task.detached { try CLIProcess.run(["read", "--dir", replica]) }.value
        let (sourceRead, replicaRead) = try await (sourceReading, replicaReading)
        #expect(sourceRead.status == 0 && replicaRead.status == 0)
        phase("read both")
        #expect(sourceRead.stdoutLines.count == count)
        #expect(sourceRead.stdout == replicaRead.stdout, "annals read differs between the source and the restored store")
    }
}
