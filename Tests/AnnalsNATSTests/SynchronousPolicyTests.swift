@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(2))) struct SynchronousPolicyTests {
    /// Proves a synchronous append returns only once the cluster holds its events: it succeeds
    /// with one of three nodes down (a quorum remains), fails with `.notAcknowledged` within
    /// its timeout with two down, and every append that returned is in the stream. Meanwhile a
    /// read replica follows through `Restorer.follow` and ends with the same events.
    @Test func synchronousAppendWaitsForQuorumAndFailsWithoutOne() async throws {
        let cluster = try NATSCluster(nodes: 3)
        defer { cluster.stop() }
        let store = try await EventStore.open(directory: cluster.directory.file("primary"))
        let replicaStore = try await EventStore.open(directory: cluster.directory.file("replica"))
        var configuration = ReplicationFixtures.configuration(cluster, stream: "SYNC")
        configuration.ackTimeoutMilliseconds = 1_000
        let replicated = try await ReplicatedEventStore.start(
            store: store, configuration: configuration, policy: .synchronous(timeout: .seconds(10)), logger: ReplicationFixtures.logger)
        let restorer = Restorer(store: replicaStore, configuration: configuration, logger: ReplicationFixtures.logger)
        let follower = Task { try await restorer.follow() }
        let look = try ReplicationFixtures.connect(cluster)
        defer { look.close() }

        var acknowledged = LogPosition.beforeFirst
        for batch in 0..<20 {
            let result = try await replicated.append(ReplicationFixtures.events(batch * 5..<(batch * 5 + 5)))
            acknowledged = result.positions.upperBound
            #expect(try look.streamState("SYNC")!.lastSequence >= acknowledged.rawValue, "acknowledged before the cluster held it")
        }

        let leader = try #require(try look.streamState("SYNC")?.leader)
        let first = try #require(Int(leader.dropFirst()))
        cluster.kill(first)
        for batch in 20..<30 {
            let result = try await replicated.append(ReplicationFixtures.events(batch * 5..<(batch * 5 + 5)))
            acknowledged = result.positions.upperBound
        }
        let second = (first + 1) % 3
        cluster.kill(second)
        let survivor = 3 - first - second
        let started = Date()
        var refused = 0
        for batch in 30..<31 {
            do {
                let result = try await replicated.append(ReplicationFixtures.events(batch * 5..<(batch * 5 + 5)))
                acknowledged = result.positions.upperBound
            } catch {
                guard case .notAcknowledged = error else { throw error }
                refused += 1
            }
        }
        #expect(refused == 1, "an append without a quorum must fail")
        #expect(Date().timeIntervalSince(started) < 20, "the failure comes after its 10 s timeout, not later")
        #expect(cluster.log(survivor).isEmpty == false)

        try cluster.start(first)
        try cluster.start(second)
        var events: [ReplicatedChange] = []
        try await ReplicationFixtures.waitUntil(seconds: 30, "the stream to be readable after the restarts") {
            guard let all = try? ReplicationFixtures.allChanges(look, stream: "SYNC", expected: 155) else { return false }
            events = all
            return true
        }
        #expect(events.count >= Int(acknowledged.rawValue), "every acknowledged append is in the stream")
        #expect(events.map(\.position.rawValue) == Array(1...UInt64(events.count)))
        // The refused appends are durable locally and replicate once a quorum is back.
        try await replicated.replicator.waitUntilAcknowledged(LogPosition(155), timeout: .seconds(30))
        try await ReplicationFixtures.waitUntil(seconds: 30, "the replica to follow") {
            ((try? look.streamState("SYNC")?.lastSequence) ?? 0) == 155
        }
        let primaryEvents = try await store.readAll()
        var replicaEvents: [RecordedEvent] = []
        let deadline = Date().addingTimeInterval(30)
        while replicaEvents.count < 155 && Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            replicaEvents = try await replicaStore.readAll()
        }
        follower.cancel()
        _ = try await follower.value
        try await replicated.stop()
        #expect(replicaEvents.map(\.id) == primaryEvents.map(\.id))
        #expect(replicaEvents.map(\.stream) == primaryEvents.map(\.stream))
        #expect(replicaEvents.map(\.version) == primaryEvents.map(\.version))
        #expect(replicaEvents.map(\.data) == primaryEvents.map(\.data))
        #expect(replicaEvents.map(\.metadata) == primaryEvents.map(\.metadata))
        #expect(replicaEvents.map { $0.timestampNanoseconds / 1_000_000 } == primaryEvents.map { $0.timestampNanoseconds / 1_000_000 })
        try await store.close()
        try await replicaStore.close()
    }
}
