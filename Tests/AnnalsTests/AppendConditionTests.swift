import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// Append conditions (docs/DCB.md): an append fails when an event matching the condition's
/// query was appended after its position, checked and written on the commit thread in one step.
@Suite(.timeLimit(.minutes(5))) struct AppendConditionTests {
    static func tagged(_ type: String, _ tags: [String]) -> EventData { EventData(type: type, data: Array("{}".utf8), tags: tags) }

    /// Proves a failed condition names the first conflicting position and writes nothing, and
    /// that only events after the condition's position, and only matching ones, count.
    @Test func conditionFailsWithTheFirstConflictingPosition() async throws {
        try await withStore { store, _ in
            try await store.append(to: "c", [Self.tagged("CourseDefined", ["course:c1"]), Self.tagged("Noise", ["course:c2"])])
            try await store.append(to: "c", [Self.tagged("StudentSubscribed", ["course:c1", "student:s1"])])
            let query = EventQuery(tags: ["course:c1"])
            let next = Self.tagged("StudentSubscribed", ["course:c1", "student:s2"])
            for (after, conflict) in [(nil, 1), (LogPosition(1), 3), (LogPosition(2), 3)] as [(LogPosition?, UInt64)] {
                do throws(EventStoreError) {
                    try await store.append(to: "c", [next], condition: AppendCondition(failIfEventsMatch: query, after: after))
                    Issue.record("the condition after \(String(describing: after)) held")
                } catch {
                    guard case .appendConditionFailed = error else { Issue.record("\(error)"); continue }
                    #expect(error.code == .appendConditionFailed)
                    #expect(error.position == LogPosition(conflict), "after \(String(describing: after))")
                }
            }
            #expect(store.lastPosition == LogPosition(3), "nothing was written")
            let typeOnly = EventQuery(types: ["Noise"], tags: ["course:c1"])
            try await store.append(to: "c", [next], condition: AppendCondition(failIfEventsMatch: typeOnly, after: nil))
            let written = try await store.append(to: "c", [Self.tagged("T", [])], condition: AppendCondition(failIfEventsMatch: query, after: LogPosition(4)))
            #expect(written.positions == LogPosition(5)...LogPosition(5))
            await #expect(throws: EventStoreError.self) {
                try await store.append(to: "c", [next], condition: AppendCondition(failIfEventsMatch: EventQuery([]), after: nil))
            }
            do throws(EventStoreError) {
                try await store.append(to: "c", [Self.tagged("T", [])], condition: AppendCondition(failIfEventsMatch: .all, after: LogPosition(4)))
                Issue.record("a condition on every event held with an event after its position")
            } catch { #expect(error.position == LogPosition(5)) }
        }
    }

    /// Proves a condition combines with expected versions (both must hold) and with
    /// idempotency: a retried batch returns its original result although its own events now
    /// match the condition.
    @Test func conditionCombinesWithExpectedVersionsAndIdempotency() async throws {
        try await withStore { store, _ in
            let condition = AppendCondition(failIfEventsMatch: EventQuery(tags: ["user:ann"]), after: nil)
            let registered = Self.tagged("UserRegistered", ["user:ann"])
            await #expect(throws: EventStoreError.wrongExpectedVersion(stream: "users", expected: .exact(3), actual: nil)) {
                try await store.append(to: "users", [registered], expectedVersion: .exact(3), condition: condition)
            }
            let first = try await store.append(to: "users", [registered], expectedVersion: .noStream, condition: condition)
            let again = try await store.append(to: "users", [registered], expectedVersion: .noStream, condition: condition)
            #expect(again == first.replayed)
            let other = Self.tagged("UserRegistered", ["user:ann"])
            do throws(EventStoreError) {
                try await store.append([StreamAppend(stream: "users", events: [other], expectedVersion: .exact(0))], condition: condition)
                Issue.record("a second registration of the same name was written")
            } catch { #expect(error.code == .appendConditionFailed && error.position == first.positions.lowerBound) }
        }
    }

    /// Proves that of racing appends with the same condition exactly one wins, round after
    /// round, and each loser is told the winner's position: under `.always` many of them share
    /// a commit group, so the check also runs against events decided but not yet durable.
    @Test(arguments: [true, false])
    func racingConditionalAppendsHaveOneWinner(syncEachGroup: Bool) async throws {
        try await withStore(EventStoreOptions(log: LogOptions(durability: syncEachGroup ? .always : .none))) { store, _ in
            for round in 0..<40 {
                let tag = "slot:\(round % 3)"
                let query = EventQuery(tags: [tag])
                let after = try await store.read(query).last?.position
                let outcomes = try await withThrowingTaskGroup(of: Result<LogPosition, EventStoreError>.self) { group in
                    for writer in 0..<12 {
                        group.addTask {
                            if writer % 3 == round % 3 { await Task.yield() }
                            do throws(EventStoreError) {
                                let written = try await store.append(to: StreamName("w-\(writer)"), [Self.tagged("Claimed", [tag, "writer:\(writer)"])],
                                                                     condition: AppendCondition(failIfEventsMatch: query, after: after))
                                return .success(written.positions.lowerBound)
                            } catch { return .failure(error) }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let winners = outcomes.compactMap { try? $0.get() }
                #expect(winners.count == 1, "round \(round)")
                for case .failure(let error) in outcomes {
                    #expect(error.code == .appendConditionFailed, "\(error)")
                    #expect(error.position == winners.first, "a loser is told the winner's position")
                }
            }
            #expect(try await store.read(EventQuery(types: ["Claimed"])).count == 40)
        }
    }
}
