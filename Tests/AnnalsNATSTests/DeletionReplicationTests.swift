@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import CNATS
import Foundation
import Testing

/// Stream deletions through JetStream: replicated as messages of their own, restored at the
/// source's positions with the source's ids and timestamps, across resumed runs.
/// The values of `keys` in the headers of the message stored at `sequence` (nil when absent).
private func storedHeaders(_ connection: NATSConnection, stream: String, sequence: UInt64, _ keys: [String]) throws -> [String?] {
    var message: OpaquePointer?
    var code = jsErrCode(rawValue: 0)
    let status = js_GetMsg(&message, connection.js, stream, sequence, nil, &code)
    defer { natsMsg_Destroy(message) }
    try NATSConnection.check(status, "reading message \(sequence)", errorCode: code)
    return keys.map { key in message.flatMap { EventHeaders.header($0, key) } }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct DeletionReplicationTests {
    /// Events with soft and hard deletes in the middle (one soft-deleted stream revived), in
    /// atomic batches so `ReplicationFixtures.events` streams are mixed in.
    private func fillWithDeletions(_ store: EventStore, from start: Int) async throws {
        try await ReplicationFixtures.fill(store, from: start, count: 40)
        try await store.append(to: "cart-\(start)", [EventData(type: "Added", data: [1]), EventData(type: "Added", data: [2])])
        try await store.softDelete(stream: "cart-\(start)")
        try await ReplicationFixtures.fill(store, from: start + 40, count: 10)
        try await store.append(to: "cart-\(start)", [EventData(type: "Revived", data: [3])], expectedVersion: .noStream)
        try await store.append(to: "user-\(start)", [EventData(type: "Joined", data: [4])])
        try await store.hardDelete(stream: "user-\(start)")
        try await ReplicationFixtures.fill(store, from: start + 50, count: 10)
        // An odd name: the one fill() gave index 0 (first round) or 1010 (second round).
        try await store.softDelete(stream: start == 0 ? "a.b c" : "*")
    }

    /// `annals read`, `annals streams --json` of both stores equal byte for byte, and their
    /// changes (deletion ids and timestamps included) equal.
    private func expectIdentical(_ source: String, _ replica: String) async throws {
        for command in [["read"], ["streams", "--json"]] {
            let sourceOutput = try CLIProcess.run(command + ["--dir", source])
            let replicaOutput = try CLIProcess.run(command + ["--dir", replica])
            #expect(sourceOutput.status == 0 && replicaOutput.status == 0, "\(sourceOutput.stderr) \(replicaOutput.stderr)")
            #expect(!sourceOutput.stdout.isEmpty)
            if sourceOutput.stdout != replicaOutput.stdout {
                // Name the first line that differs rather than print both outputs whole.
                let (one, two) = (sourceOutput.stdoutLines, replicaOutput.stdoutLines)
                let line = Array(zip(one, two)).firstIndex { $0 != $1 } ?? min(one.count, two.count)
                Issue.record("annals \(command.joined(separator: " ")) differs at line \(line + 1) of \(one.count) (replica: \(two.count)): \(one.dropFirst(line).first ?? "end") vs \(two.dropFirst(line).first ?? "end")")
            }
        }
        let (one, two) = (try await EventStore.open(directory: source), try await EventStore.open(directory: replica))
        let (sourceChanges, replicaChanges) = (try one.reader.readChanges(), try two.reader.readChanges())
        try await one.close()
        try await two.close()
        #expect(sourceChanges.count == replicaChanges.count)
        for (source, replica) in zip(sourceChanges, replicaChanges) where source != replica {
            Issue.record("position \(source.position) differs: \(source) vs \(replica)")
            break
        }
    }

    /// Proves soft and hard deletes in the middle and at the end are published in log order,
    /// one message each with `Nats-Msg-Id` `deletion-<record id>`, that a rerun publishes
    /// nothing when the stream ends with a deletion, and that a restore, then a second restore
    /// resumed after a deletion as its last applied record, give stores whose `annals read`
    /// and `annals streams --json` equal the source's byte for byte.
    @Test func deletionsReplicateAndRestoreIdentically() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let source = cluster.directory.file("source"), replica = cluster.directory.file("replica")
        let nats = ["--nats", cluster.urlList, "--js-stream", "DEL"]
        let store = try await EventStore.open(directory: source)
        try await fillWithDeletions(store, from: 0)
        let firstEnd = try #require(store.reader.lastPosition).rawValue
        try await store.close()

        let replicate = try CLIProcess.run(["replicate", "--dir", source, "--replicas", "1"] + nats)
        #expect(replicate.status == 0, "\(replicate.stderr)")
        #expect(replicate.stdoutLines == [#"{"replicated": \#(firstEnd), "lastPosition": \#(firstEnd), "jsSequence": \#(firstEnd)}"#])
        let again = try CLIProcess.run(["replicate", "--dir", source, "--replicas", "1"] + nats)
        #expect(again.stdoutLines == [#"{"replicated": 0, "lastPosition": \#(firstEnd), "jsSequence": \#(firstEnd)}"#], "\(again.stderr)")
        let restore = try CLIProcess.run(["restore", "--dir", replica] + nats)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdoutLines == [#"{"replicated": \#(firstEnd), "lastPosition": \#(firstEnd), "jsSequence": \#(firstEnd)}"#])
        try await expectIdentical(source, replica)

        // The replica's last record is a deletion; the next restore resumes after it.
        let reopened = try await EventStore.open(directory: source)
        try await fillWithDeletions(reopened, from: 1000)
        try await reopened.hardDelete(stream: "order-3")
        let secondEnd = try #require(reopened.reader.lastPosition).rawValue
        let changes = try reopened.reader.readChanges()
        try await reopened.close()
        #expect(try CLIProcess.run(["replicate", "--dir", source] + nats).status == 0)
        let resumed = try CLIProcess.run(["restore", "--dir", replica] + nats)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdoutLines == [#"{"replicated": \#(secondEnd - firstEnd), "lastPosition": \#(secondEnd), "jsSequence": \#(secondEnd)}"#])
        let idle = try CLIProcess.run(["restore", "--dir", replica] + nats)
        #expect(idle.stdoutLines == [#"{"replicated": 0, "lastPosition": \#(secondEnd), "jsSequence": \#(secondEnd)}"#], "\(idle.stderr)")
        try await expectIdentical(source, replica)

        let look = try ReplicationFixtures.connect(cluster)
        defer { look.close() }
        let messages = try ReplicationFixtures.allChanges(look, stream: "DEL", expected: Int(secondEnd))
        #expect(messages.map(\.position.rawValue) == Array(1...secondEnd))
        #expect(messages.map(\.sequence) == Array(1...secondEnd))
        for (message, change) in zip(messages, changes) where !message.carries(change) {
            Issue.record("sequence \(message.sequence) carries \(message.summary), the source has \(change)")
        }
        let deletions = changes.compactMap { change -> StreamDeletion? in
            if case .deletion(let deletion) = change { return deletion }
            return nil
        }
        #expect(deletions.count == 7)
        let last = try #require(deletions.last)
        let headers = try storedHeaders(look, stream: "DEL", sequence: last.position.rawValue,
                                        ["Nats-Msg-Id", "Annals-Control", "Annals-Truncate-Before", "Annals-Stream"])
        #expect(headers == ["deletion-" + last.id.uuidString.lowercased(), "tombstone", String(last.truncateBefore), "order-3"])
    }

    /// Proves a follower stopped right after applying a deletion (its last record) resumes
    /// without applying it twice: a following `Restorer` is cancelled once the replica's last
    /// record is the soft delete, then a catch-up applies exactly the rest.
    @Test func followerStoppedAfterADeletionResumesWithoutDoubleApply() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let configuration = ReplicationFixtures.configuration(cluster, stream: "FD", replicas: 1)
        let store = try await EventStore.open(directory: cluster.directory.file("source"))
        let replica = try await EventStore.open(directory: cluster.directory.file("replica"))
        let replicator = Replicator(store: store, configuration: configuration, logger: ReplicationFixtures.logger)
        try await ReplicationFixtures.fill(store, count: 30)
        let deleted = try await store.softDelete(stream: "order-5")
        _ = try await replicator.catchUp()

        let restorer = Restorer(store: replica, configuration: configuration, logger: ReplicationFixtures.logger)
        let follower = Task { try await restorer.follow() }
        try await ReplicationFixtures.waitUntil(seconds: 30, "the follower to apply the deletion") {
            replica.reader.lastPosition == deleted
        }
        follower.cancel()
        let followed = try await follower.value
        #expect(followed.lastPosition == deleted.rawValue && followed.replicated == deleted.rawValue)

        try await store.append(to: "order-5", [EventData(type: "Revived", data: [9])], expectedVersion: .noStream)
        try await store.hardDelete(stream: "order-6")
        _ = try await replicator.catchUp()
        let resumed = try await restorer.catchUp()
        #expect(resumed == ReplicationSummary(replicated: 2, lastPosition: deleted.rawValue + 2, jetStreamSequence: deleted.rawValue + 2))
        #expect(try replica.reader.readChanges() == (try store.reader.readChanges()))
        #expect(try replica.reader.streams() == (try store.reader.streams()))
        try await store.close()
        try await replica.close()
    }

    /// Proves a deletion through `ReplicatedEventStore` under the synchronous policy returns
    /// only once the cluster holds its message (the stream's last sequence covers it).
    @Test func synchronousDeletionsReturnOnceTheClusterHoldsThem() async throws {
        let cluster = try NATSCluster(nodes: 1)
        defer { cluster.stop() }
        let store = try await EventStore.open(directory: cluster.directory.file("primary"))
        let replicated = try await ReplicatedEventStore.start(
            store: store, configuration: ReplicationFixtures.configuration(cluster, stream: "SD", replicas: 1),
            policy: .synchronous(timeout: .seconds(20)), logger: ReplicationFixtures.logger)
        let look = try ReplicationFixtures.connect(cluster)
        defer { look.close() }
        try await replicated.append(ReplicationFixtures.events(0..<10))
        let soft = try await replicated.softDelete(stream: "order-3")
        #expect(try look.streamState("SD")!.lastSequence == soft.rawValue, "returned before the cluster held the soft delete")
        let hard = try await replicated.hardDelete(stream: "order-4")
        #expect(try look.streamState("SD")!.lastSequence == hard.rawValue, "returned before the cluster held the tombstone")
        await #expect(throws: ReplicationError.store(.streamTombstoned("order-4"))) { try await replicated.hardDelete(stream: "order-4") }
        try await replicated.stop()
        try await store.close()
    }
}
