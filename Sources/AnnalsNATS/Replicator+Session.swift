import Annals
import AnnalsLog
import CNATS

extension Replicator {
    /// One session: publishes changes (events and deletions) after `resume` through a fresh
    /// window until `target` is acknowledged (nil: until cancelled) or the window fails. A failure ends the session
    /// after the publishes still in flight are settled, so none of them can be confused with
    /// the next session's.
    func session(_ connection: NATSConnection, from resume: ResumePoint, target: LogPosition?) async throws(ReplicationError) {
        let window = PublishWindow(lastSequence: resume.sequence, capacity: configuration.windowMessages,
                                   progress: progress, onAcknowledged: configuration.onAcknowledged)
        connection.setPublishResultReceiver { window.handle($0) }
        let subscription: ChangeSubscription
        do { subscription = try store.subscribeToChanges(from: .position(LogPosition(rawValue: resume.position.rawValue + 1))) } catch {
            throw .store(error)
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.pump(subscription, into: window, connection, target: target) }
                if target == nil {
                    // Following: an idle pump waits for appends, so a failure must end it from outside.
                    group.addTask { if let failure = await window.failed() { throw failure } }
                    group.addTask { await self.saveCheckpointPeriodically() }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            let failure = (error as? ReplicationError) ?? window.failure ?? .nats(operation: "replicating", status: "\(error)", errorCode: 0)
            window.fail(failure)
            await settleInFlight(connection)
            connection.setPublishResultReceiver(nil)
            throw failure
        }
        connection.setPublishResultReceiver(nil)
    }

    /// Reads changes from the store and publishes each with its expected last sequence, as
    /// fast as the window allows.
    private func pump(_ subscription: ChangeSubscription, into window: PublishWindow, _ connection: NATSConnection, target: LogPosition?) async throws {
        let ackTimeout = UInt64(configuration.ackTimeoutMilliseconds) * 1_000_000
        let prefix = configuration.subjectPrefix
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        options.MaxWait = configuration.ackTimeoutMilliseconds
        if let target, target < .first { return }
        for try await change in subscription {
            if let target, change.position > target { break }
            try await window.reserve(ackTimeoutNanoseconds: ackTimeout)
            let expected = window.record(change)
            var message: OpaquePointer? = try EventHeaders.message(for: change, prefix: prefix, expectedLastSequence: expected)
            let status = js_PublishMsgAsync(connection.js, &message, &options)
            natsMsg_Destroy(message)  // nil (a no-op) when libnats took it
            if status != NATS_OK {
                let error = ReplicationError.nats(operation: "publishing position \(change.position)",
                                                  status: NATSConnection.lastErrorText(status), errorCode: 0)
                window.fail(error)
                throw error
            }
            if let target, change.position >= target { break }
        }
        if target != nil { try await window.drain(ackTimeoutNanoseconds: ackTimeout) }
    }

    /// Waits (bounded by the ack timeout) for libnats to settle every publish in flight, then
    /// drops any that is still pending, so their late results go nowhere.
    private func settleInFlight(_ connection: NATSConnection) async {
        let wait = configuration.ackTimeoutMilliseconds
        _ = try? await NATSBlocking.run { () throws(ReplicationError) in
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            options.MaxWait = wait
            _ = js_PublishAsyncComplete(connection.js, &options)
            var pending = natsMsgList()
            if js_PublishAsyncGetPendingList(&pending, connection.js) == NATS_OK {
                natsMsgList_Destroy(&pending)
            }
        }
    }

    private func saveCheckpointPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 2_000_000_000)
            if Task.isCancelled { return }
            await saveCheckpoint()
        }
    }
}
