@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct PublishWindowTests {
    /// Events at positions 1...count, made the public way (a scratch store).
    private func events(_ count: Int) async throws -> [RecordedEvent] {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try await EventStore.open(directory: dir.path)
        try await store.append(to: "s", (0..<count).map { EventData(type: "T", data: [UInt8($0)]) })
        let events = try await store.readAll()
        try await store.close()
        return events
    }

    /// Proves each publish expects the previous one's sequence, starting after the session's
    /// start, and that in-order acknowledgements advance the shared progress.
    @Test func publishesExpectConsecutiveSequencesAndAcksAdvanceProgress() async throws {
        let progress = ReplicationProgress()
        let window = PublishWindow(lastSequence: 40, capacity: 8, progress: progress, onAcknowledged: nil)
        let events = try await events(3)
        #expect(events.map { window.record(.event($0)) } == [40, 41, 42])
        window.handle(PublishResult(position: events[0].position, outcome: .stored(sequence: 41, duplicate: false)))
        window.handle(PublishResult(position: events[1].position, outcome: .stored(sequence: 42, duplicate: false)))
        #expect(progress.current.position == events[1].position && progress.current.sequence == 42)
        #expect(window.failure == nil)
        window.handle(PublishResult(position: events[2].position, outcome: .stored(sequence: 43, duplicate: false)))
        try await window.drain(ackTimeoutNanoseconds: 1_000_000_000)
        #expect(progress.current.published == 3)
    }

    /// Proves the progress holds a publish's position by the time the window shows it settled,
    /// so a summary read right after `drain()` counts the last event (a one-shot replicate once
    /// reported 19 of 20 events this way).
    @Test func progressIsAcknowledgedBeforeTheWindowEmpties() async throws {
        let progress = ReplicationProgress()
        let window = PublishWindow(lastSequence: 0, capacity: 8, progress: progress, onAcknowledged: nil)
        let events = try await events(2)
        _ = events.map { window.record(.event($0)) }
        // Each evaluation of the predicate records the progress it saw (nil: not empty yet).
        let evaluations = WatchedState<[LogPosition?]>([])
        let emptied = Task {
            await window.state.wait(timeoutNanoseconds: 10_000_000_000) { state in
                // Evaluated under the window's lock, at registration and at every update.
                let seen = state.count == 0 ? progress.current.position : nil
                evaluations.update { $0.append(seen) }
                return seen != nil
            }
        }
        // The second evaluation happens in the same lock hold that registers the waiter.
        #expect(await evaluations.wait(timeoutNanoseconds: 10_000_000_000) { $0.count >= 2 })
        for (index, event) in events.enumerated() {
            window.handle(PublishResult(position: event.position, outcome: .stored(sequence: UInt64(index + 1), duplicate: false)))
        }
        #expect(await emptied.value)
        #expect(evaluations.read { $0.last } == events[1].position)
    }

    /// Proves a refused publish (wrong last sequence) fails the session and nothing after it
    /// counts as acknowledged, even a later "stored".
    @Test func refusedPublishFailsTheSession() async throws {
        let progress = ReplicationProgress()
        let window = PublishWindow(lastSequence: 0, capacity: 8, progress: progress, onAcknowledged: nil)
        let events = try await events(2)
        _ = events.map { window.record(.event($0)) }
        window.handle(PublishResult(position: events[0].position, outcome: .failed(status: "wrong last sequence: 5", errorCode: 10071)))
        window.handle(PublishResult(position: events[1].position, outcome: .stored(sequence: 2, duplicate: false)))
        #expect(window.failure == .nats(operation: "publishing position 1", status: "wrong last sequence: 5", errorCode: 10071))
        #expect(progress.current.position == .beforeFirst)
        await #expect(throws: ReplicationError.self) { try await window.reserve(ackTimeoutNanoseconds: 1_000_000_000) }
    }

    /// Proves an acknowledgement at another sequence than expected (a duplicate stored earlier)
    /// fails the session instead of being counted.
    @Test func acknowledgementAtAnUnexpectedSequenceFails() async throws {
        let progress = ReplicationProgress()
        let window = PublishWindow(lastSequence: 9, capacity: 8, progress: progress, onAcknowledged: nil)
        let events = try await events(1)
        _ = window.record(.event(events[0]))
        window.handle(PublishResult(position: events[0].position, outcome: .stored(sequence: 3, duplicate: true)))
        #expect(window.failure != nil)
        #expect(progress.current.position == .beforeFirst)
    }

    /// Proves a publish that is never answered fails the wait with .timeout after the ack timeout.
    @Test func unansweredPublishTimesOut() async throws {
        let window = PublishWindow(lastSequence: 0, capacity: 1, progress: ReplicationProgress(), onAcknowledged: nil)
        _ = window.record(.event(try await events(1)[0]))
        let error = await #expect(throws: ReplicationError.self) { try await window.drain(ackTimeoutNanoseconds: 300_000_000) }
        #expect(error?.code == .timeout)
        #expect(error?.position == LogPosition(1), "the timeout names the position not acknowledged")
        guard case .timeout(let context)? = error else { return }
        #expect((context.waitedMilliseconds ?? 0) >= 300)
    }

    /// Proves a synchronous wait fails with .notAcknowledged after its timeout, and succeeds
    /// once the position is acknowledged.
    @Test func progressWaitTimesOutThenSucceeds() async throws {
        let progress = ReplicationProgress()
        await #expect(throws: ReplicationError.self) {
            try await progress.waitUntilAcknowledged(LogPosition(5), timeoutNanoseconds: 200_000_000)
        }
        Task { try? await Task.sleep(nanoseconds: 50_000_000); progress.acknowledge(position: LogPosition(5), sequence: 5, published: true) }
        try await progress.waitUntilAcknowledged(LogPosition(5), timeoutNanoseconds: 5_000_000_000)
    }
}
