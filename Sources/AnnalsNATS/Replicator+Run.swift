#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Annals
import AnnalsLog
import CNATS
import Dispatch
import Logging

extension Replicator {
    /// Where a session starts: the stream's last sequence and the position its message carries.
    struct ResumePoint: Sendable {
        var sequence: UInt64
        var position: LogPosition
    }

    /// The run loop: connect, then sessions until `target` is acknowledged (nil: until
    /// cancelled), re-reading the cluster's state after every failure.
    func run(target: LogPosition?) async throws(ReplicationError) -> ReplicationSummary {
        try configuration.validate()
        let configuration = self.configuration
        let connection = try await NATSBlocking.run { () throws(ReplicationError) in
            try NATSConnection.connect(
                servers: configuration.servers, name: "annals-replicate \(configuration.streamName)",
                connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds,
                requestTimeoutMilliseconds: configuration.requestTimeoutMilliseconds)
        }
        defer { connection.close() }
        let startCount = progress.current.published
        do {
            try await ensureStream(connection)
            try await loop(connection, target: target)
        } catch {
            progress.stop(error)
            if error != .stopped { throw error }
        }
        await saveCheckpoint()
        let state = progress.current
        if target == nil { progress.stop(nil) }
        return ReplicationSummary(replicated: state.published - startCount, lastPosition: state.position.rawValue,
                                  jetStreamSequence: state.sequence)
    }

    private func loop(_ connection: NATSConnection, target: LogPosition?) async throws(ReplicationError) {
        var backoff = configuration.backoffMinimumMilliseconds
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        var lastPosition = progress.current.position
        while !Task.isCancelled {
            do throws(ReplicationError) {
                let resume = try await resync(connection)
                progress.acknowledge(position: resume.position, sequence: resume.sequence, published: false)
                if let target, resume.position >= target { return }
                try await session(connection, from: resume, target: target)
                if target != nil { return }
            } catch {
                if Self.isFatal(error) { throw error }
                if Task.isCancelled { return }
                progress.noteFailure(error)
                let now = DispatchTime.now().uptimeNanoseconds
                if progress.current.position > lastPosition {
                    lastPosition = progress.current.position
                    lastProgress = now
                    backoff = configuration.backoffMinimumMilliseconds
                }
                let stalledMilliseconds = Int64((now - lastProgress) / 1_000_000)
                if target != nil, stalledMilliseconds > configuration.stallTimeoutMilliseconds {
                    throw .timeout(.init("no replication progress (last error: \(error))", jetStreamName: configuration.streamName,
                                         position: progress.current.position, waitedMilliseconds: stalledMilliseconds))
                }
                logger.warning("replication failed, retrying in \(backoff) ms: \(error)")
                try? await Task.sleep(nanoseconds: UInt64(backoff) * 1_000_000)
                backoff = min(backoff * 2, configuration.backoffMaximumMilliseconds)
            }
        }
    }

    /// Failures that retrying cannot fix.
    static func isFatal(_ error: ReplicationError) -> Bool {
        switch error {
        case .foreignStream, .invalidMessage, .store, .streamMissing, .invalidArgument, .positionMismatch, .stopped: true
        case .unreachable, .notAcknowledged, .timeout, .nats: false
        }
    }

    /// Creates the JetStream stream when missing; checks its subjects when present.
    func ensureStream(_ connection: NATSConnection) async throws(ReplicationError) {
        let (name, prefix, replicas) = (configuration.streamName, configuration.subjectPrefix, configuration.replicas)
        let subject = prefix + ".>"
        let state = try await NATSBlocking.run { () throws(ReplicationError) in
            if let state = try connection.streamState(name) { return state }
            return try connection.addStream(name, subject: subject, replicas: replicas)
        }
        guard state.subjects == [subject] else {
            throw .foreignStream(.init("it holds subjects \(state.subjects), not [\(subject)] (check --subject-prefix)", jetStreamName: name))
        }
    }

    /// Reads the JetStream stream's last message and checks that this store holds the change it
    /// carries (event or deletion), at the same position with the same id: otherwise the stream
    /// is another store's.
    func resync(_ connection: NATSConnection) async throws(ReplicationError) -> ResumePoint {
        let name = configuration.streamName
        let last: ReplicatedChange? = try await NATSBlocking.run { () throws(ReplicationError) in
            guard let state = try connection.streamState(name) else { throw .streamMissing(name) }
            guard state.lastSequence > 0 else { return nil }
            return try connection.change(stream: name, sequence: state.lastSequence)
        }
        guard let last else {
            try await checkHint(against: nil)
            return ResumePoint(sequence: 0, position: .beforeFirst)
        }
        let local: StoreChange?
        do { local = try store.reader.readChanges(fromPosition: last.position, limit: 1).first } catch { throw .store(error) }
        guard let local, last.carries(local) else {
            let found = local.map(\.summary) ?? "nothing at or after it"
            throw .foreignStream(.init("its last message is \(last.summary); this store has \(found)", jetStreamName: name,
                                       sequence: last.sequence, position: last.position))
        }
        try await checkHint(against: last)
        return ResumePoint(sequence: last.sequence, position: last.position)
    }

    /// Warns when the local checkpoint says more was acknowledged than the stream holds.
    private func checkHint(against last: ReplicatedChange?) async throws(ReplicationError) {
        guard let hint = store.checkpoint(named: checkpointName) else { return }
        let held = last?.position ?? .beforeFirst
        if hint > held {
            logger.warning("JetStream stream \(configuration.streamName) holds events up to position \(held.rawValue) but position \(hint.rawValue) was acknowledged before: the stream was recreated or lost data; replicating again from \(held.rawValue + 1)")
        }
    }

    /// Saves the acknowledged position as the checkpoint hint.
    func saveCheckpoint() async {
        let position = progress.current.position
        guard position > .beforeFirst, store.checkpoint(named: checkpointName) != position else { return }
        do { try await store.saveCheckpoint(named: checkpointName, position: position) } catch {
            logger.warning("could not save the replication checkpoint: \(error)")
        }
    }
}
