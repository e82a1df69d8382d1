import Annals
import AnnalsLog
import Foundation

/// Appends through `EventStore` (`import Annals`), as a service makes them: durable ingest in
/// 1000-event multi-stream batches, 64 concurrent single-event durable appenders, one task's
/// single-event appends durable and not. Every `EventData` (ids included) is built before the
/// clock starts.
struct StoreAppends {
    let workload: Workload
    let settings: RunSettings
    let results: Results
    var work: WorkDirectory

    mutating func measureAll() async throws {
        try await measureBatchIngest()
        try await measureConcurrentAppenders(tasks: 64)
        try await measureSingleAppends(durability: .always)
        try await measureSingleAppends(durability: .none)
    }

    /// The workload's events as `EventStore` input, one `StreamAppend` per event, in workload order.
    static func appends(_ events: ArraySlice<WorkloadEvent>) -> [StreamAppend] {
        events.map {
            StreamAppend(stream: StreamName($0.stream), events: [EventData(type: $0.eventType, data: $0.data, metadata: $0.metadata)])
        }
    }

    private func open(_ label: String, durability: Durability) async throws -> (EventStore, String) {
        var work = self.work
        let directory = try work.fresh(label)
        let store = try await EventStore.open(directory: directory, options: EventStoreOptions(log: LogOptions(durability: durability)))
        return (store, directory)
    }

    /// The whole workload through `append(_ streams:)`, 1,000 events a call, `.always`.
    private func measureBatchIngest() async throws {
        let (store, directory) = try await open("store-ingest", durability: .always)
        let batches = stride(from: 0, to: workload.events.count, by: 1000).map {
            Self.appends(workload.events[$0..<min($0 + 1000, workload.events.count)])
        }
        let seconds = try await timedAsync {
            for batch in batches { try await store.append(batch) }
        }
        try await store.close()
        let bytes = WorkDirectory.bytes(of: directory)
        work.remove(directory)
        let rate = Double(workload.events.count) / seconds
        results.compareStore(StoreRow.durableIngest, peer: .annals, Figure(
            value: rate, unit: "events/s",
            note: "EventStore.append of 1,000 single-event StreamAppends a call, .always, \(Format.grouped(workload.events.count)) events, "
                + "\(Format.number(rate * workload.meanEventBytes / 1e6)) MB/s of input, \(Format.grouped(bytes)) store bytes"))
    }

    /// `tasks` tasks, each appending its share of the workload one event at a time under
    /// `.always`, until the share or the time limit runs out; group commit shares the syncs.
    private func measureConcurrentAppenders(tasks: Int) async throws {
        let (store, directory) = try await open("store-concurrent", durability: .always)
        let perTask = workload.events.count / tasks
        guard perTask > 0 else { throw BenchError("\(tasks) concurrent appenders need at least \(tasks) events") }
        let prepared = (0..<tasks).map { Self.appends(workload.events[($0 * perTask)..<(($0 + 1) * perTask)]) }
        let limit = settings.timeLimitSeconds
        var total = 0
        let seconds = try await timedAsync {
            let deadline = Deadline(seconds: limit)
            total = try await withThrowingTaskGroup(of: Int.self) { group in
                for appends in prepared {
                    group.addTask {
                        var done = 0
                        for append in appends {
                            try await store.append(to: append.stream, append.events)
                            done += 1
                            if deadline.passed { break }
                        }
                        return done
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        try await store.close()
        work.remove(directory)
        results.compareStore(StoreRow.concurrentAppenders, peer: .annals, Figure(
            value: Double(total) / seconds, unit: "events/s",
            note: "\(tasks) tasks, EventStore.append of one event each call, .always, \(Format.grouped(total)) events in \(Format.fixed(seconds, 1)) s"))
    }

    /// One task appending one event at a time until the workload or the time limit runs out.
    private func measureSingleAppends(durability: Durability) async throws {
        let (store, directory) = try await open("store-single-\(durability)", durability: durability)
        let count = min(workload.events.count, durability == .always ? 50_000 : 500_000)
        let appends = Self.appends(workload.events[0..<count])
        let deadline = Deadline(seconds: settings.timeLimitSeconds)
        var done = 0
        let seconds = try await timedAsync {
            for append in appends {
                try await store.append(to: append.stream, append.events)
                done += 1
                if deadline.passed { break }
            }
        }
        try await store.close()
        work.remove(directory)
        let row = durability == .always ? StoreRow.singleDurable : StoreRow.singleNone
        results.compareStore(row, peer: .annals, Figure(
            value: Double(done) / seconds, unit: "events/s",
            note: "one task, EventStore.append of one event each call, .\(durability), \(Format.grouped(done)) events in \(Format.fixed(seconds, 1)) s"))
    }
}
