import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// A read-only store's subscriptions wait at the head on one shared poller thread
/// (`WatermarkPoller`): every waiter is woken by the writer's appends, a poller that stopped
/// for want of waiters starts again for a new one, and a failed catch-up ends every waiting
/// subscription with its error instead of leaving it waiting.
@Suite(.timeLimit(.minutes(2))) struct WatermarkPollerTests {
    /// Counts a subscription's events until `count` arrived, or until it ends or fails.
    static func consume(_ subscription: Subscription, upTo count: Int) -> Task<(count: Int, failure: EventStoreError?), Never> {
        Task {
            var seen = 0
            do throws(EventStoreError) {
                var events = subscription.makeAsyncIterator()
                while try await events.next() != nil {
                    seen += 1
                    if seen == count { break }
                }
            } catch {
                return (seen, error)
            }
            return (seen, nil)
        }
    }

    /// Proves eight subscriptions waiting at once are all woken, each receiving every event.
    @Test func everyWaitingSubscriptionIsWoken() async throws {
        let dir = TemporaryDirectory("annals-poller")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: ReadOnlyStoreTests.options())
        let reader = try await EventStore.open(directory: dir.path, options: ReadOnlyStoreTests.options(), mode: .readOnly)
        let consumers = try (0..<8).map { _ in Self.consume(try reader.subscribe(from: .end), upTo: 200) }
        try await Task.sleep(nanoseconds: 20_000_000)  // all eight wait at the head
        try await ReadOnlyStoreTests.fill(writer, rounds: 0..<50)
        for consumer in consumers {
            let outcome = await consumer.value
            #expect(outcome.count == 200 && outcome.failure == nil)
        }
        try await reader.close()
        try await writer.close()
    }

    /// Proves a subscription made after the poller stopped (no waiter for
    /// `idlePollsBeforeStopping` polls) starts it again and is woken.
    @Test func aNewWaiterRestartsAStoppedPoller() async throws {
        let dir = TemporaryDirectory("annals-poller")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: ReadOnlyStoreTests.options())
        let reader = try await EventStore.open(directory: dir.path, options: ReadOnlyStoreTests.options(), mode: .readOnly)
        let first = Self.consume(try reader.subscribe(from: .end), upTo: 1)
        try await Task.sleep(nanoseconds: 20_000_000)
        first.cancel()
        _ = await first.value
        // Long enough for the idle poller to stop (its stop is checked every interval).
        let idle = StoreEngine.followIntervalNanoseconds * UInt64(WatermarkPoller.idlePollsBeforeStopping)
        try await Task.sleep(nanoseconds: idle * 3)
        let second = Self.consume(try reader.subscribe(from: .end), upTo: 4)
        try await Task.sleep(nanoseconds: 20_000_000)
        try await ReadOnlyStoreTests.fill(writer, rounds: 0..<1)
        let outcome = await second.value
        #expect(outcome.count == 4 && outcome.failure == nil)
        try await reader.close()
        try await writer.close()
    }

    /// Proves that when catching up fails (here the writer's published watermark goes back,
    /// which only a store that lost acknowledged records shows), every waiting subscription
    /// ends with the error rather than waiting forever.
    @Test func aFailedCatchUpEndsEveryWaitingSubscription() async throws {
        let dir = TemporaryDirectory("annals-poller")
        defer { dir.remove() }
        let writer = try await EventStore.open(directory: dir.path, options: ReadOnlyStoreTests.options())
        try await ReadOnlyStoreTests.fill(writer, rounds: 0..<10)
        let headPath = dir.path + "/HEAD"
        let earlierHead = try Data(contentsOf: URL(fileURLWithPath: headPath))
        try await ReadOnlyStoreTests.fill(writer, rounds: 10..<20)
        let reader = try await EventStore.open(directory: dir.path, options: ReadOnlyStoreTests.options(), mode: .readOnly)
        let consumers = try (0..<3).map { _ in Self.consume(try reader.subscribe(from: .start), upTo: .max) }
        try await Task.sleep(nanoseconds: 50_000_000)  // each has read all 80 events and waits
        try earlierHead.write(to: URL(fileURLWithPath: headPath))
        for consumer in consumers {
            let outcome = await consumer.value
            #expect(outcome.count == 80)
            guard case .storage(let failure)? = outcome.failure else {
                Issue.record("the subscription ended without the catch-up's error: \(String(describing: outcome.failure))")
                continue
            }
            #expect(failure.code == .corruption)
        }
        try await reader.close()
        try await writer.close()
    }
}
