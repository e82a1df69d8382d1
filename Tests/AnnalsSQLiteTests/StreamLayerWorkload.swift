@_spi(Testing) import Annals
import AnnalsLog
import AnnalsSQLite
import AnnalsTestSupport
import Foundation
import GRDB

/// One acknowledged multi-stream append: what was sent and what the store answered.
struct AcknowledgedBatch: Sendable {
    var appends: [StreamAppend]
    var result: MultiAppendResult
}

/// Which file a round aims its power loss at. `.anyOperation` draws the crash point over every
/// mutating operation; the others crash at the n-th operation on that kind of file.
enum PowerLossTarget: CaseIterable, Sendable, CustomStringConvertible {
    case anyOperation, streamIndex, eventIDIndex, timeIndex, queryIndex, headsCheckpoint, snapshot, subscriptionCheckpoint

    var pathText: String? {
        switch self {
        case .anyOperation: nil
        case .streamIndex: ".sidx"
        case .eventIDIndex: ".eidx"
        case .timeIndex: ".tidx"
        case .queryIndex: ".qidx"
        case .headsCheckpoint: "streams.heads"
        case .snapshot: ".snapshot"
        case .subscriptionCheckpoint: "subscriptions.checkpoints"
        }
    }

    var description: String { pathText ?? "any operation" }
}

/// The stream layer under concurrent use until the power goes: tasks append to several streams
/// at once with expected versions, save subscription checkpoints, take aggregate snapshots and
/// run a SQLite projection. Every acknowledged batch goes to `acknowledged`.
struct StreamLayerWorkload {
    static let tasks = 3
    static let stepsPerTask = 70
    static let accounts = 5

    let store: EventStore
    let fileSystem: SimulatedFileSystem
    let seed: UInt64
    let round: Int
    let projection: SQLiteProjection<BalancesModel>
    let acknowledged: Guarded<[AcknowledgedBatch]>
    /// Copies of the read model taken after each catch-up: a power loss may take SQLite back to
    /// any of them (WAL with synchronous=NORMAL loses the last commits, never splits one).
    let backups: Guarded<[DatabaseQueue]>
    /// Failures other than the power loss and expected-version conflicts.
    let unexpected: Guarded<[String]>
    /// How often each kind of step completed, so a summary shows what the power loss interrupted.
    let activity: Guarded<[String: Int]>
    /// Steps that may fail with a storage error (a full or failing disk): each such failure is
    /// counted as "<step> failed" and the task goes on. Any other failure is unexpected.
    var allowedFailures: Set<String> = []
    /// Steps each task takes.
    var steps = Self.stepsPerTask

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<Self.tasks {
                group.addTask { await runTask(task) }
            }
        }
    }

    private func runTask(_ task: Int) async {
        var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(round * 16 + task))
        var known: [StreamName: UInt64?] = [:]
        var lastAcknowledged: LogPosition?
        let runner = ProjectionRunner(store: store, projection: projection, filter: .category(Account.category),
                                      batchEvents: Int.random(in: 1...6, using: &random))
        let accounts = Repository<Account>(store: store)
        for _ in 0..<steps {
            let choice = Int.random(in: 0..<20, using: &random)
            var step = "append"
            do {
                if choice < 13 {
                    let appends = makeAppends(known: known, using: &random)
                    do throws(EventStoreError) {
                        let result = try await store.append(appends)
                        acknowledged.withLock { $0.append(AcknowledgedBatch(appends: appends, result: result)) }
                        for (stream, version) in result.streamVersions { known[stream] = .some(version) }
                        lastAcknowledged = result.positions.upperBound
                        note("append")
                    } catch {
                        guard case .wrongExpectedVersion = error else { throw error }
                        for part in appends { known[part.stream] = .some(try store.info(stream: part.stream)?.version) }
                        note("conflict")
                    }
                } else if choice < 17, task == 0 {
                    step = "projection catch-up"
                    try await runner.catchUp()
                    let copy = try DatabaseQueue()
                    try projection.database.backup(to: copy)
                    backups.withLock { $0.append(copy) }
                    note("projection catch-up")
                } else if choice < 15 {
                    step = "subscription checkpoint"
                    if let lastAcknowledged {
                        try await store.checkpoint(name: "sub-\(task)", position: lastAcknowledged)
                        note("subscription checkpoint")
                    }
                } else {
                    step = "snapshot"
                    let loaded = try await accounts.snapshot(id: "\(Int.random(in: 0..<Self.accounts, using: &random))")
                    // An account with no events yet has nothing to snapshot: no file is written.
                    note(loaded.version == nil ? "snapshot of an empty account" : "snapshot")
                }
            } catch {
                if fileSystem.hasCrashed { return }
                if case AggregateError.conflict = error { continue }
                if allowedFailures.contains(step), Self.isStorageFailure(error) {
                    note("\(step) failed")
                    continue
                }
                unexpected.withLock { $0.append("seed \(seed) round \(round) task \(task): \(error)") }
                return
            }
        }
    }

    /// A typed storage error, bare or wrapped by the aggregate layer.
    static func isStorageFailure(_ error: any Error) -> Bool {
        switch error {
        case EventStoreError.storage: true
        case AggregateError.store(.storage): true
        default: false
        }
    }

    private func note(_ step: String) { activity.withLock { $0[step, default: 0] += 1 } }

    /// One to three parts on random accounts, each expecting the version this task last saw
    /// (a later part on the same stream expects what the earlier parts reach).
    private func makeAppends(known: [StreamName: UInt64?], using random: inout SeededRandom) -> [StreamAppend] {
        var expected = known
        var parts: [StreamAppend] = []
        let codec = EventCodec<AccountEvent>()
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let stream = Account.streamName(for: "\(Int.random(in: 0..<Self.accounts, using: &random))")
            let events = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                try! codec.encode(AccountEvent(amount: Int.random(in: -50...100, using: &random)), id: Self.uuid(using: &random))
            }
            let expectedVersion: ExpectedVersion
            switch expected[stream] {
            case .none: expectedVersion = .any
            case .some(.none): expectedVersion = .noStream
            case .some(.some(let version)): expectedVersion = .exact(version)
            }
            parts.append(StreamAppend(stream: stream, events: events, expectedVersion: expectedVersion))
            if case .some(let version) = expected[stream] {
                expected[stream] = .some((version.map { $0 + 1 } ?? 0) + UInt64(events.count) - 1)
            }
        }
        return parts
    }

    static func uuid(using random: inout SeededRandom) -> UUID {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
