import Annals
import AnnalsJSON
import AnnalsLog

/// The committing half of `annals append`: commits parsed units through the event store and
/// writes the acknowledgement lines, one `write` per commit, once it is durable.
///
/// Each chunk is one store append: a multi-stream append when it names several streams, so it
/// is atomic across them. Its parts are the runs of consecutive events of one stream, so the
/// log holds the events in input order and positions count up line by line.
struct Appender {
    let store: EventStore
    /// The stream given by `--stream`, if any.
    let stream: StreamName?
    /// What the next commit expects of `stream`: the `--expected-version` for the first commit,
    /// then the version the previous commit reached. Nil: no check (`.any`).
    private(set) var expected: ExpectedVersion?
    /// The `--fail-if-match` condition, for the first commit only; nil once a commit succeeded.
    private(set) var condition: AppendCondition?
    /// Events acknowledged so far.
    private(set) var eventsAcknowledged = 0
    private var acks = JSONWriter(capacity: 1 << 20)

    init(store: EventStore, stream: StreamName?, expected: ExpectedVersion?, condition: AppendCondition? = nil) {
        precondition(expected == nil || stream != nil, "an expected version belongs to --stream")
        self.store = store
        self.stream = stream
        self.expected = expected
        self.condition = condition
    }

    var batchBytesMax: Int { store.batchBytesMax }

    /// Commits `units`, in input order, acknowledging each chunk once it is durable. Units that
    /// were ready together go as one append; when that append is refused (a conflict, a
    /// repeated id, a replay mixed with new events), each unit is committed on its own, which
    /// is what reading them one at a time would have done, and a failure names its own lines.
    mutating func commit(_ units: [IngestUnit]) async throws {
        precondition(!units.isEmpty, "a commit holds at least one unit")
        if units.count > 1, units.reduce(0, { $0 + $1.storedBytes }) <= batchBytesMax {
            let count = units.reduce(0) { $0 + $1.events.count }
            if (try? await commitRequests(units.flatMap(\.requests), events: count)) != nil { return }
        }
        for unit in units {
            if unit.storedBytes <= batchBytesMax {
                // The unit's requests, as the parser built them: one atomic append.
                do { try await commitRequests(unit.requests, events: unit.events.count) } catch {
                    throw failure(error, lines: unit.events.first!.line...unit.events.last!.line)
                }
                continue
            }
            for chunk in IngestUnit.chunks(unit.events, batchBytesMax: batchBytesMax) {
                do { try await commitRequests(IngestUnit.requests(chunk), events: chunk.count) } catch {
                    throw failure(error, lines: chunk.first!.line...chunk.last!.line)
                }
            }
        }
    }

    /// Appends `requests` (`events` events in all) atomically and writes their acknowledgement
    /// lines, in input order: the store reports where each event went, the originals' places for
    /// a replay. The first request gets `--expected-version` when it is for `--stream`, and the
    /// whole append the `--fail-if-match` condition until one commit has succeeded.
    private mutating func commitRequests(_ requests: [StreamAppend], events: Int) async throws(EventStoreError) {
        precondition(!requests.isEmpty && events > 0, "a commit holds at least one event")
        var requests = requests
        if let expected, requests[0].stream == stream { requests[0].expectedVersion = expected }
        let result = if let condition { try await store.append(requests, condition: condition) } else { try await store.append(requests) }
        condition = nil
        precondition(result.events.count == events, "one result per event, in the order given")
        if let stream, expected != nil, let reached = result.events.last(where: { $0.stream == stream })?.streamVersion {
            expected = .exact(reached)
        }
        for ack in result.events {
            acks.beginObject()
            acks.field("position", ack.position.rawValue)
            acks.field("stream", ack.stream.rawValue)
            acks.field("version", ack.streamVersion)
            acks.endObject()
            acks.endLine()
        }
        StandardIO.write(acks.bytes)
        acks.removeAll()
        eventsAcknowledged += events
    }

    /// The error for a failed commit: an `AppendConditionFailure` when the condition failed
    /// (its own exit status), else a `CLIError`; either names the lines that were not appended.
    func failure(_ error: any Error, lines: ClosedRange<Int>) -> any Error {
        let text = Self.message(error, lines: lines, conditionAfter: condition?.after)
        if case .appendConditionFailed? = error as? EventStoreError { return AppendConditionFailure(text) }
        return CLIError(text)
    }

    /// The error for a failed commit, naming the input lines that were not appended.
    /// `conditionAfter` is the `--after` of the condition that was checked (nil: 0, anywhere).
    static func message(_ error: any Error, lines: ClosedRange<Int>, conditionAfter: LogPosition? = nil) -> String {
        let what = lines.count == 1 ? "line \(lines.lowerBound)" : "lines \(lines.lowerBound)-\(lines.upperBound)"
        let text: String
        switch error as? EventStoreError {
        case .wrongExpectedVersion(let stream, let expected, let actual)?:
            text = ExpectedVersionChoice.conflictMessage(stream: stream, expected: expected, actual: actual)
        case .appendConditionFailed(let context)?:
            let position = context.position.map { "at position \($0.rawValue)" } ?? "somewhere"
            text = "append condition failed: an event matching --fail-if-match was appended \(position), after position \(conditionAfter?.rawValue ?? 0)"
        case .streamTombstoned(let stream)?:
            text = "stream \(stream) is hard-deleted and can never be written again"
        case let other?:
            text = "append failed: \(other)"
        case nil:
            text = "append failed: \(error)"
        }
        return "\(text) (\(what) not appended)"
    }
}

/// `--fail-if-match` found an event matching its query: nothing of the commit was appended.
/// `annals append` exits with `AppendCommand.conditionFailedExitCode` for it.
struct AppendConditionFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
