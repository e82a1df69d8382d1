import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// The multi-stream append that takes events in log order, each naming its stream.
@Suite(.timeLimit(.minutes(10))) struct LogOrderAppendTests {
    /// Proves events land in the log in the order given, streams interleaved, each numbered in its stream.
    @Test func keepsTheGivenOrder() async throws {
        try await withStore { store, _ in
            let streams: [StreamName] = ["a", "b", "a", "a", "c", "b"]
            let events = streams.enumerated().map { StreamEvent(stream: $0.element, event: Fixtures.events(1, tag: "\($0.offset)")[0]) }
            let result = try await store.append(events, expectedVersions: ["a": .noStream, "c": .noStream])
            #expect(result.positions.count == 6)
            #expect(result.events.map(\.stream) == streams)
            #expect(result.streamVersions == ["a": 2, "b": 1, "c": 0])
            let all = try await store.readAll()
            #expect(all.map(\.stream) == streams)
            #expect(all.map(\.version) == [0, 0, 1, 2, 0, 1])
            #expect(all.map(\.id) == events.map(\.event.id))
            // A retry of the same batch writes nothing and returns the original result.
            let retry = try await store.append(events, expectedVersions: ["a": .noStream, "c": .noStream])
            #expect(retry.isReplay && retry.events == result.events)
        }
    }

    /// Proves an expectation is checked against the stream's version before the batch, however
    /// often the stream appears in it, and a failed check writes nothing.
    @Test func expectationsHoldBeforeTheBatch() async throws {
        try await withStore { store, _ in
            try await store.append(to: "a", Fixtures.events(2))
            let batch = ["a", "b", "a"].map { StreamEvent(stream: StreamName($0), event: Fixtures.events(1)[0]) }
            await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "a", expected: .exact(0), actual: 1)) {
                try await store.append(batch, expectedVersions: ["a": .exact(0)])
            }
            #expect(store.log.nextPosition == LogPosition(3))
            let result = try await store.append(batch, expectedVersions: ["a": .exact(1), "b": .noStream])
            #expect(result.streamVersions == ["a": 3, "b": 0])
        }
    }

    /// Proves an empty batch, and an expectation for a stream the batch does not write, are refused.
    @Test func refusesWhatCannotBeMeant() async throws {
        try await withStore { store, _ in
            await #expect(throws: EventStoreError.self) { try await store.append([StreamEvent](), expectedVersions: [:]) }
            let one = [StreamEvent(stream: "a", event: Fixtures.events(1)[0])]
            do throws(EventStoreError) {
                try await store.append(one, expectedVersions: ["z": .noStream])
                Issue.record("an expectation for an unwritten stream was accepted")
            } catch {
                guard case .invalidArgument = error else { Issue.record("unexpected \(error)"); return }
            }
            #expect(store.log.nextPosition == LogPosition(1))
        }
    }
}
