@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Foundation
import ServiceLifecycle
import Testing

/// The replicator as a swift-service-lifecycle `Service`, beside its store in one group.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ReplicatorServiceTests {
    /// Proves a `ServiceGroup` of a store and its replicator replicates live appends, and on
    /// graceful shutdown stops the replicator first (which saves its checkpoint into the still
    /// open store), then closes the store cleanly.
    @Test func replicatorRunsInAServiceGroupAndShutsDownGracefully() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let directory = cluster.directory.file("source")
        let store = try await EventStore.open(directory: directory)
        try await ReplicationFixtures.fill(store, count: 50)
        let replicator = Replicator(
            store: store, configuration: ReplicationFixtures.configuration(cluster, stream: "SVC", replicas: 1),
            logger: ReplicationFixtures.logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [store, replicator], logger: ReplicationFixtures.logger))
        let running = Task { try await group.run() }

        try await replicator.waitUntilAcknowledged(LogPosition(50), timeout: .seconds(30))
        try await ReplicationFixtures.fill(store, from: 50, count: 30)
        try await replicator.waitUntilAcknowledged(LogPosition(80), timeout: .seconds(30))
        await group.triggerGracefulShutdown()
        try await running.value

        await #expect(throws: EventStoreError.closed) { try await store.append(to: "late", [EventData(type: "T", data: [])]) }
        let reopened = try await EventStore.open(directory: directory)
        #expect(reopened.openReport.log.cleanShutdown && reopened.openReport.log.bytesScanned == 0)
        #expect(reopened.checkpoint(named: replicator.checkpointName) == LogPosition(80))
        try await reopened.close()
        let connection = try ReplicationFixtures.connect(cluster)
        defer { connection.close() }
        #expect(try connection.streamState("SVC")?.messages == 80)
    }
}
