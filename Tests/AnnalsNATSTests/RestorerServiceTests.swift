@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Foundation
import ServiceLifecycle
import Testing

/// The restorer as a swift-service-lifecycle `Service`, beside the replica store in one group.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RestorerServiceTests {
    /// Proves a `ServiceGroup` of a replica store and its restorer follows a source as it grows
    /// (events and a deletion); that a graceful shutdown while the source is still growing ends
    /// the group without an error, the restorer first, then the replica closes cleanly; that the
    /// replica holds a prefix of the source's changes; and that the next run resumes after that
    /// prefix and restores exactly the rest.
    @Test func restorerRunsInAServiceGroupAndShutsDownGracefully() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let source = try await EventStore.open(directory: cluster.directory.file("source"))
        let configuration = ReplicationFixtures.configuration(cluster, stream: "RST", replicas: 1)
        let replicator = Replicator(store: source, configuration: configuration, logger: ReplicationFixtures.logger)
        let replicating = Task { try await replicator.follow() }
        try await ReplicationFixtures.fill(source, count: 200)
        try await source.softDelete(stream: "order-5")
        try await replicator.waitUntilAcknowledged(LogPosition(201), timeout: .seconds(30))

        let replicaDirectory = cluster.directory.file("replica")
        let replica = try await EventStore.open(directory: replicaDirectory)
        let restorer = Restorer(store: replica, configuration: configuration, logger: ReplicationFixtures.logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [replica, restorer], logger: ReplicationFixtures.logger))
        let running = Task { try await group.run() }
        try await ReplicationFixtures.waitUntil(seconds: 40, "the restorer to apply the deletion at 201") {
            try replica.reader.lastChange()?.position == LogPosition(201)
        }
        // The source keeps growing, in batches of 50, while the group shuts down.
        let loading = Task {
            for batch in 0..<20 { try await ReplicationFixtures.fill(source, from: 1000 + batch * 50, count: 50) }
        }
        try await ReplicationFixtures.waitUntil(seconds: 40, "the restorer to apply events after 201") {
            (try replica.reader.lastChange()?.position ?? .beforeFirst) > LogPosition(201)
        }
        await group.triggerGracefulShutdown()
        try await running.value
        try await loading.value
        try await replicator.waitUntilAcknowledged(LogPosition(1201), timeout: .seconds(30))
        replicating.cancel()
        _ = try await replicating.value

        await #expect(throws: EventStoreError.closed) { try await replica.append(to: "late", [EventData(type: "T", data: [])]) }
        let reopened = try await EventStore.open(directory: replicaDirectory)
        #expect(reopened.openReport.log.cleanShutdown && reopened.openReport.log.bytesScanned == 0)
        let expected = try await source.readChanges()
        let kept = try await reopened.readChanges()
        #expect(kept.count > 201 && kept.count <= expected.count)
        #expect(kept == Array(expected.prefix(kept.count)), "the replica holds a prefix of the source: nothing lost, nothing torn")

        let summary = try await Restorer(store: reopened, configuration: configuration, logger: ReplicationFixtures.logger).catchUp()
        #expect(summary.replicated == UInt64(expected.count - kept.count), "the next run resumes after the prefix")
        #expect(summary.lastPosition == 1201)
        #expect(try await reopened.readChanges() == expected)
        try await reopened.close()
        try await source.close()
    }
}
