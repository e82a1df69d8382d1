import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// A projection's own closed error type reaches the runner's caller intact.
@Suite(.timeLimit(.minutes(10))) struct TypedProjectionTests {
    enum ModelError: Error, Equatable { case full(at: LogPosition) }

    /// Holds at most `capacity` events, then fails with its own typed error.
    actor BoundedProjection: Projection {
        let capacity: Int
        private(set) var count = 0
        private(set) var stored: LogPosition?
        init(capacity: Int) { self.capacity = capacity }

        func checkpoint() throws(ModelError) -> LogPosition? { stored }
        func apply(_ events: [RecordedEvent], through: LogPosition) throws(ModelError) {
            guard count + events.count <= capacity else { throw .full(at: events[0].position) }
            count += events.count
            stored = through
        }
        func reset() throws(ModelError) { count = 0; stored = nil }
    }

    /// Proves a typed projection failure comes back as `.projection` with its value, a store
    /// failure as `.store`, and the checkpoint stays at the last batch that was applied.
    @Test func failuresKeepTheirTypes() async throws {
        try await withStore { store, _ in
            for index in 0..<10 { try await store.append(to: "s-\(index)", Fixtures.events(1)) }
            let projection = BoundedProjection(capacity: 6)
            let runner = ProjectionRunner(store: store, projection: projection, batchEvents: 3)
            do throws(ProjectionRunnerError<ModelError>) {
                try await runner.catchUp()
                Issue.record("the projection overflowed silently")
            } catch {
                guard case .projection(let model) = error else { Issue.record("unexpected \(error)"); return }
                #expect(model == .full(at: LogPosition(7)))
            }
            #expect(try await runner.status().checkpoint == LogPosition(6))
            try await store.close()
            do throws(ProjectionRunnerError<ModelError>) {
                try await runner.run()
                Issue.record("run on a closed store returned")
            } catch {
                guard case .store(.closed) = error else { Issue.record("unexpected \(error)"); return }
            }
        }
    }
}
