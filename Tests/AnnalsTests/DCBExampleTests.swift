import AnnalsTestSupport
import Foundation
import Testing
@testable import Annals
import AnnalsLog

/// The Dynamic Consistency Boundary specification's own scenarios, each run by concurrent
/// deciders that read with a query, decide, and append with that query as the condition,
/// retrying when it fails. After the run the log is folded and every invariant checked.
@Suite(.timeLimit(.minutes(5))) struct DCBExampleTests {
    /// Reads what `query` selects, decides, and appends what `decide` returns with the query as
    /// condition; retries on a failed condition. Returns false when `decide` refused.
    static func decideAndAppend(
        _ store: EventStore, _ query: EventQuery, stream: StreamName, _ decide: ([RecordedEvent]) -> EventData?
    ) async throws -> Bool {
        for _ in 0..<1_000 {
            let events = try await store.read(query)
            guard let event = decide(events) else { return false }
            do throws(EventStoreError) {
                try await store.append(to: stream, [event], condition: AppendCondition(failIfEventsMatch: query, after: events.last?.position))
                return true
            } catch {
                // Someone changed what the decision rested on: decide again.
                guard error.code == .appendConditionFailed else { throw error }
            }
        }
        Issue.record("a decider retried 1,000 times")
        return false
    }

    static func json(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys)) }
    static func field(_ event: RecordedEvent, _ name: String) -> Any? {
        (try? JSONSerialization.jsonObject(with: Data(event.data)) as? [String: Any])?[name]
    }

    /// Course subscriptions: a course holds at most its capacity, a student takes at most 3
    /// courses. 8 deciders subscribe random students to random courses.
    @Test(arguments: [true, false])
    func courseSubscriptionsKeepCapacityAndStudentLimit(syncEachGroup: Bool) async throws {
        try await withStore(EventStoreOptions(log: LogOptions(durability: syncEachGroup ? .always : .none))) { store, _ in
            let capacity = ["c0": 4, "c1": 6, "c2": 2, "c3": 5]
            for (course, seats) in capacity.sorted(by: { $0.key < $1.key }) {
                try await store.append(to: StreamName("course-\(course)"), [EventData(type: "CourseDefined", data: Self.json(["capacity": seats]), tags: ["course:\(course)"])])
            }
            let studentLimit = 3
            try await withThrowingTaskGroup(of: Void.self) { group in
                for decider in 0..<8 {
                    group.addTask {
                        var random = SeededRandom(seed: UInt64(decider + 1))
                        for _ in 0..<15 {
                            let course = "c\(Int.random(in: 0..<4, using: &random))"
                            let student = "s\(Int.random(in: 0..<10, using: &random))"
                            let query = EventQuery([
                                .init(types: ["CourseDefined", "StudentSubscribed"], tags: ["course:\(course)"]),
                                .init(types: ["StudentSubscribed"], tags: ["student:\(student)"]),
                            ])
                            _ = try await Self.decideAndAppend(store, query, stream: StreamName("student-\(student)")) { events in
                                let seats = events.first { $0.type == "CourseDefined" }.flatMap { Self.field($0, "capacity") as? Int } ?? 0
                                let inCourse = events.filter { $0.type == "StudentSubscribed" && $0.tags.contains("course:\(course)") }
                                let ofStudent = events.filter { $0.type == "StudentSubscribed" && $0.tags.contains("student:\(student)") }
                                guard inCourse.count < seats, ofStudent.count < studentLimit,
                                      !ofStudent.contains(where: { $0.tags.contains("course:\(course)") }) else { return nil }
                                return EventData(type: "StudentSubscribed", data: Self.json([:]), tags: ["course:\(course)", "student:\(student)"])
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let subscriptions = try await store.read(EventQuery(types: ["StudentSubscribed"]))
            #expect(subscriptions.count > 10, "the run subscribed someone")
            var perCourse: [String: Int] = [:]
            var perStudent: [String: Set<String>] = [:]
            for event in subscriptions {
                let course = event.tags.first { $0.hasPrefix("course:") }!.dropFirst(7)
                let student = event.tags.first { $0.hasPrefix("student:") }!
                perCourse[String(course), default: 0] += 1
                #expect(perStudent[student, default: []].insert(String(course)).inserted, "\(student) subscribed twice to \(course)")
            }
            for (course, count) in perCourse { #expect(count <= capacity[course]!, "course \(course) over capacity") }
            for (student, courses) in perStudent { #expect(courses.count <= studentLimit, "\(student) over the limit") }
        }
    }

    /// Unique usernames: 8 deciders try to claim names from a small pool; each name is
    /// registered once, and every claim either won or saw it taken.
    @Test func usernamesAreUnique() async throws {
        try await withStore(EventStoreOptions(log: LogOptions(durability: .always))) { store, _ in
            let names = (0..<12).map { "user\($0)" }
            let wins = try await withThrowingTaskGroup(of: Int.self) { group in
                for decider in 0..<8 {
                    group.addTask {
                        var won = 0
                        for name in names.shuffled() {
                            let query = EventQuery(types: ["UserRegistered"], tags: ["username:\(name)"])
                            let registered = try await Self.decideAndAppend(store, query, stream: StreamName("user-\(decider)-\(name)")) { events in
                                events.isEmpty ? EventData(type: "UserRegistered", data: Self.json(["by": decider]), tags: ["username:\(name)"]) : nil
                            }
                            if registered { won += 1 }
                        }
                        return won
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(wins == names.count, "each name was won exactly once")
            let registered = try await store.read(EventQuery(types: ["UserRegistered"]))
            #expect(registered.map { $0.tags[0] }.sorted() == names.map { "username:\($0)" }.sorted())
        }
    }

    /// An invoice number sequence without gaps: 6 deciders each create 20 invoices, numbering
    /// each after the last one created. The numbers come out 1...120, each once.
    @Test func invoiceNumbersHaveNoGaps() async throws {
        try await withStore(EventStoreOptions(log: LogOptions(durability: .always))) { store, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for decider in 0..<6 {
                    group.addTask {
                        for _ in 0..<20 {
                            let query = EventQuery(types: ["InvoiceCreated"])
                            _ = try await Self.decideAndAppend(store, query, stream: StreamName("invoices-\(decider)")) { events in
                                let last = events.last.flatMap { Self.field($0, "number") as? Int } ?? 0
                                return EventData(type: "InvoiceCreated", data: Self.json(["number": last + 1]), tags: ["invoice:\(last + 1)"])
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let invoices = try await store.read(EventQuery(types: ["InvoiceCreated"]))
            #expect(invoices.map { Self.field($0, "number") as? Int } == (1...120).map { $0 }, "numbers are 1...120 in log order")
        }
    }
}
