import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// An in-memory projection that records every event it is given, to check order and duplicates.
actor RecordingProjection: Projection {
    private(set) var positions: [LogPosition] = []
    private(set) var stored: LogPosition?
    private(set) var batches = 0

    func checkpoint() -> LogPosition? { stored }

    func apply(_ events: [RecordedEvent], through: LogPosition) {
        precondition(events.allSatisfy { $0.position <= through }, "a batch covers its events")
        positions.append(contentsOf: events.map(\.position))
        stored = through
        batches += 1
    }

    func reset() {
        positions = []
        stored = nil
    }
}

@Suite(.timeLimit(.minutes(10))) struct ProjectionRunnerTests {
    /// Proves catch-up applies every event once in order in bounded batches, and the lag counts the positions appended since.
    @Test func catchUpAndLag() async throws {
        try await withStore { store, _ in
            for index in 0..<10 { try await store.append(to: "s-\(index % 3)", Fixtures.events(30, tag: "\(index)")) }
            let projection = RecordingProjection()
            let runner = ProjectionRunner(store: store, projection: projection, batchEvents: 64)
            #expect(try await runner.status().lag == 300)
            #expect(try await runner.catchUp() == 300)
            #expect(await projection.positions == (1...300).map { LogPosition(UInt64($0)) })
            #expect(await projection.batches == 5)
            #expect(try await runner.status() == ProjectionStatus(checkpoint: LogPosition(300), head: LogPosition(300)))
            try await store.append(to: "s-0", Fixtures.events(7))
            #expect(try await runner.status().lag == 7)
            #expect(try await runner.catchUp() == 7)
            #expect(try await runner.status().lag == 0)
        }
    }

    /// Proves a filtered projection sees only matching events, yet its checkpoint moves past the skipped ones, so its lag reaches 0.
    @Test func filteredCheckpointPassesSkippedEvents() async throws {
        try await withStore { store, _ in
            for index in 0..<40 { try await store.append(to: index % 4 == 0 ? "tally-\(index)" : "other-\(index)", Fixtures.events(1)) }
            let projection = RecordingProjection()
            let runner = ProjectionRunner(store: store, projection: projection, filter: .category("tally"))
            #expect(try await runner.catchUp() == 10)
            #expect(await projection.positions == stride(from: 1, through: 37, by: 4).map { LogPosition(UInt64($0)) })
            #expect(try await runner.status().lag == 0)
        }
    }

    /// Proves a live run, with writers appending concurrently, applies every event exactly once in position order, and ends on cancel.
    @Test func liveRunSeesEveryEventOnce() async throws {
        try await withStore { store, _ in
            try await store.append(to: "s-0", Fixtures.events(50))
            let projection = RecordingProjection()
            let runner = ProjectionRunner(store: store, projection: projection, batchEvents: 16)
            let running = Task { try await runner.run() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<50 { try await store.append(to: "w-\(writer)", Fixtures.events(1 + index % 3)) }
                    }
                }
                try await group.waitForAll()
            }
            let head = store.log.nextPosition.rawValue - 1
            while try await runner.status().lag > 0 { try await Task.sleep(for: .milliseconds(5)) }
            running.cancel()
            try await running.value
            #expect(await projection.positions == (1...head).map { LogPosition($0) })
        }
    }

    /// Proves a rebuild drops what the projection held and applies the whole log again.
    @Test func rebuildStartsFromScratch() async throws {
        try await withStore { store, _ in
            try await store.append(to: "s", Fixtures.events(20))
            let projection = RecordingProjection()
            let runner = ProjectionRunner(store: store, projection: projection)
            try await runner.catchUp()
            #expect(try await runner.rebuild() == 20)
            #expect(await projection.positions.count == 20)
        }
    }
}
