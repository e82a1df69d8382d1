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
    /// Events acknowledged so far.
    private(set) var eventsAcknowledged = 0
    private var acks = JSONWriter(capacity: 1 << 20)

    init(store: EventStore, stream: StreamName?, expected: ExpectedVersion?) {
        precondition(expected == nil || stream != nil, "an expected version belongs to --stream")
        self.store = store
        self.stream = stream
        self.expected = expected
    }

    var batchBytesMax: Int { store.log.batchBytesMax }

    /// Commits `units`, in input order, acknowledging each chunk once it is durable. Units that
    /// were ready together go as one append; when that append is refused (a conflict, a
    /// repeated id, a replay mixed with new events), each unit is committed on its own, which
    /// is what reading them one at a time would have done, and a failure names its own lines.
    mutating func commit(_ units: [IngestUnit]) async throws {
        precondition(!units.isEmpty, "a commit holds at least one unit")
        if units.count > 1 {
            let events = units.flatMap(\.events)
            if events.reduce(0, { $0 + $1.storedBytes }) <= batchBytesMax, (try? await commitChunk(events[...])) != nil {
                return
            }
        }
        for unit in units {
            for chunk in IngestUnit.chunks(unit.events, batchBytesMax: batchBytesMax) {
                do { try await commitChunk(chunk) } catch {
                    throw CLIError(Self.message(error, lines: chunk.first!.line...chunk.last!.line))
                }
            }
        }
    }

    /// Appends one chunk atomically and writes its acknowledgement lines, in input order.
    private mutating func commitChunk(_ chunk: ArraySlice<IngestUnit.Event>) async throws(EventStoreError) {
        precondition(!chunk.isEmpty, "a chunk holds at least one event")
        var requests: [StreamAppend] = []
        var runLengths: [Int] = []
        for event in chunk {
            if requests.last?.stream == event.stream {
                requests[requests.count - 1].events.append(event.data)
                runLengths[runLengths.count - 1] += 1
            } else {
                let check = requests.isEmpty && event.stream == stream ? expected : nil
                requests.append(StreamAppend(stream: event.stream, events: [event.data], expectedVersion: check ?? .any))
                runLengths.append(1)
            }
        }
        let next = store.log.nextPosition
        let result = try await store.append(requests)
        let positions: [(position: UInt64, version: UInt64)]
        if result.positions.lowerBound >= next {
            positions = Self.writtenPositions(of: requests, runLengths: runLengths, at: result)
        } else {
            positions = try storedPositions(of: chunk, in: result.positions)
        }
        if let stream, let reached = result.streamVersions[stream] { expected = expected.map { _ in .exact(reached) } }
        for (event, ack) in zip(chunk, positions) {
            acks.beginObject()
            acks.field("position", ack.position)
            acks.field("stream", event.stream.rawValue)
            acks.field("version", ack.version)
            acks.endObject()
            acks.endLine()
        }
        StandardIO.write(acks.bytes)
        acks.removeAll()
        eventsAcknowledged += chunk.count
    }

    /// A chunk written now: the log holds it in input order from the range's start, and each
    /// stream's versions count up to the version the result reports. Walks the runs backwards,
    /// one dictionary step per run.
    private static func writtenPositions(
        of requests: [StreamAppend], runLengths: [Int], at result: MultiAppendResult
    ) -> [(position: UInt64, version: UInt64)] {
        let count = runLengths.reduce(0, +)
        precondition(result.positions.upperBound.rawValue - result.positions.lowerBound.rawValue + 1 == UInt64(count),
                     "a written chunk takes one position per event")
        var acks = [(position: UInt64, version: UInt64)](repeating: (0, 0), count: count)
        var lastVersion: [StreamName: UInt64] = [:]  // the version of the run after, per stream
        var end = count
        for run in requests.indices.reversed() {
            let stream = requests[run].stream
            let length = runLengths[run]
            let top = lastVersion[stream] ?? result.streamVersions[stream]!
            for offset in 0..<length {
                let index = end - length + offset
                acks[index] = (result.positions.lowerBound.rawValue + UInt64(index), top - UInt64(length - 1 - offset))
            }
            lastVersion[stream] = top &- UInt64(length)  // wraps only when no earlier run of it exists
            end -= length
        }
        return acks
    }

    /// A chunk whose ids were all stored already: the store wrote nothing and checked each id
    /// against its stored record. Reads where each event went, to acknowledge the originals.
    private func storedPositions(
        of chunk: ArraySlice<IngestUnit.Event>, in range: ClosedRange<LogPosition>
    ) throws(EventStoreError) -> [(position: UInt64, version: UInt64)] {
        var wanted: [EventID: Int] = [:]
        for (offset, event) in chunk.enumerated() { wanted[event.data.id.logEventID] = offset }
        var found = [(position: UInt64, version: UInt64)?](repeating: nil, count: chunk.count)
        var foundCount = 0
        let count = Int(clamping: range.upperBound.rawValue - range.lowerBound.rawValue + 1)
        do {
            try store.log.forEachRecord(from: range.lowerBound, limit: count) { view in
                if let offset = wanted[view.eventID], found[offset] == nil {
                    found[offset] = (view.position.rawValue, view.streamVersion)
                    foundCount += 1
                }
                return foundCount < wanted.count
            }
        } catch {
            throw .invalidArgument("reading the stored events of a re-sent batch failed: \(error)")
        }
        guard foundCount == chunk.count else {
            throw .invalidArgument("the store reported a re-sent batch as stored but \(chunk.count - foundCount) of its events were not found")
        }
        return found.map { $0! }
    }

    /// The error for a failed commit, naming the input lines that were not appended.
    static func message(_ error: any Error, lines: ClosedRange<Int>) -> String {
        let what = lines.count == 1 ? "line \(lines.lowerBound)" : "lines \(lines.lowerBound)-\(lines.upperBound)"
        let text: String
        switch error as? EventStoreError {
        case .wrongExpectedVersion(let stream, let expected, let actual)?:
            text = ExpectedVersionChoice.conflictMessage(stream: stream, expected: expected, actual: actual)
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
