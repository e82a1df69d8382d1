import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// Errors carry a code and the context of the failure, not only words.
@Suite(.timeLimit(.minutes(10))) struct EventStoreErrorTests {
    /// Runs `body`, which must fail, and returns its error.
    func failure(_ body: () async throws(EventStoreError) -> Void) async -> EventStoreError? {
        do throws(EventStoreError) { try await body() } catch { return error }
        Issue.record("expected a failure")
        return nil
    }

    /// Proves a reused id stored under another stream names the stream, the event and its position.
    @Test func idempotencyConflictNamesStreamEventAndPosition() async throws {
        try await withStore { store, _ in
            let event = Fixtures.events(1)[0]
            try await store.append(to: "a", [event])
            let error = await failure { () async throws(EventStoreError) in try await store.append(to: "b", [event]) }
            #expect(error?.code == .idempotencyConflict)
            #expect(error?.stream == "b")
            #expect(error?.eventID == event.id)
            #expect(error?.position == LogPosition(1))
            #expect(error?.description.contains("stream a") == true)
        }
    }

    /// Proves a partly retried batch names a stored event, and a duplicate id names the event.
    @Test func partialRetryAndDuplicateNameTheEvent() async throws {
        try await withStore { store, _ in
            let events = Fixtures.events(2)
            try await store.append(to: "a", [events[0]])
            let partial = await failure { () async throws(EventStoreError) in try await store.append(to: "a", events) }
            #expect(partial?.code == .idempotencyConflict && partial?.eventID == events[0].id)
            let twice = await failure { () async throws(EventStoreError) in try await store.append(to: "a", [events[1], events[1]]) }
            #expect(twice?.code == .invalidArgument && twice?.eventID == events[1].id)
            let empty = await failure { () async throws(EventStoreError) in try await store.append(to: "q", []) }
            #expect(empty?.code == .invalidArgument && empty?.stream == "q")
        }
    }

    /// Proves an undecodable event names its stream, id and position.
    @Test func decodeFailureNamesTheEvent() async throws {
        try await withStore { store, _ in
            try await store.append(to: "a", [EventData(type: "T", data: Array("not json".utf8))])
            let event = try await store.read(stream: "a")[0]
            let error = await failure { () async throws(EventStoreError) in _ = try event.decode([String: Int].self) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.stream == "a" && error?.eventID == event.id && error?.position == event.position)
        }
    }

    /// Proves the stream cases report their stream and code, and storage errors their file,
    /// offset, errno and the core's code.
    @Test func codesAndStorageContext() {
        let wrong = EventStoreError.wrongExpectedVersion(stream: "s", expected: .noStream, actual: 3)
        #expect(wrong.code == .wrongExpectedVersion && wrong.stream == "s" && wrong.file == nil)
        #expect(EventStoreError.streamDeleted("d").stream == "d")
        #expect(EventStoreError(LogError(.closed, "closed")) == .closed)
        let corrupt = EventStoreError(LogError(.corruption, "bad crc", file: "00000000000000000001.log", offset: 4096))
        #expect(corrupt.code == .corruption && corrupt.file == "00000000000000000001.log" && corrupt.offset == 4096)
        let io = EventStoreError(LogError(.io, "fdatasync failed", file: "x.log", errno: 5))
        #expect(io.code == .io && io.errno == 5 && io.stream == nil)
        let thrown: EventStoreError = .invalidArgument("a message \(1)")
        #expect(thrown.description == "invalid argument: a message 1")
    }
}
