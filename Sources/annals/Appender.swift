import Annals
import AnnalsLog

/// Commits parsed input through the event store and writes the acknowledgement lines.
///
/// Each chunk of a batch is one store append: a multi-stream append when it names several
/// streams, so it is atomic across them. Its parts are the runs of consecutive events of one
/// stream, so the log holds the events in input order and positions count up line by line.
struct Appender {
    let store: EventStore
    /// The stream given by `--stream`, if any.
    let stream: StreamName?
    /// What the next commit expects of `stream`: the `--expected-version` for the first commit,
    /// then the version the previous commit reached. Nil: no check (`.any`).
    private(set) var expected: ExpectedVersion?

    init(store: EventStore, stream: StreamName?, expected: ExpectedVersion?) {
        precondition(expected == nil || stream != nil, "an expected version belongs to --stream")
        self.store = store
        self.stream = stream
        self.expected = expected
    }

    func newBatch() -> InputBatch { InputBatch(batchBytesMax: store.log.batchBytesMax) }

    /// Commits `batch` chunk by chunk, acknowledging each chunk once it is durable.
    mutating func commit(_ batch: InputBatch) async throws {
        for chunk in batch.chunks {
            let acks = try await commit(chunk)
            StandardIO.write(acks)
        }
    }

    /// Appends one chunk atomically and returns its acknowledgement lines, in input order.
    private mutating func commit(_ chunk: ArraySlice<InputBatch.Event>) async throws -> [UInt8] {
        precondition(!chunk.isEmpty, "a chunk holds at least one event")
        // Runs of consecutive events of one stream, in input order: the log keeps that order.
        var requests: [StreamAppend] = []
        for event in chunk {
            if requests.last?.stream == event.stream {
                requests[requests.count - 1].events.append(event.data)
            } else {
                let check = requests.isEmpty && event.stream == stream ? expected : nil
                requests.append(StreamAppend(stream: event.stream, events: [event.data], expectedVersion: check ?? .any))
            }
        }
        let next = store.log.nextPosition
        let result: MultiAppendResult
        do {
            result = try await store.append(requests)
        } catch {
            throw CLIError(Self.message(error, lines: chunk.first!.line...chunk.last!.line))
        }
        let acks: [Int: (position: UInt64, version: UInt64)]
        if result.positions.lowerBound >= next {
            acks = Self.writtenPositions(of: chunk, at: result)
        } else {
            acks = try storedPositions(of: chunk, in: result.positions)
        }
        if let stream, let reached = result.streamVersions[stream] { expected = expected.map { _ in .exact(reached) } }
        var writer = JSONWriter()
        var output: [UInt8] = []
        for index in chunk.indices {
            let ack = acks[index]!
            writer.beginObject()
            writer.field("position", ack.position)
            writer.field("stream", chunk[index].stream.rawValue)
            writer.field("version", ack.version)
            writer.endObject()
            output += writer.finishLine()
        }
        return output
    }

    /// A chunk written now: the log holds it in input order from the range's start, and each
    /// stream's versions count up to the version the result reports.
    private static func writtenPositions(
        of chunk: ArraySlice<InputBatch.Event>, at result: MultiAppendResult
    ) -> [Int: (position: UInt64, version: UInt64)] {
        precondition(result.positions.upperBound.rawValue - result.positions.lowerBound.rawValue + 1 == UInt64(chunk.count),
                     "a written chunk takes one position per event")
        var remaining: [StreamName: UInt64] = [:]
        for event in chunk { remaining[event.stream, default: 0] += 1 }
        var acks: [Int: (position: UInt64, version: UInt64)] = [:]
        var position = result.positions.lowerBound.rawValue
        for index in chunk.indices {
            let stream = chunk[index].stream
            let left = remaining[stream]!
            acks[index] = (position, result.streamVersions[stream]! - (left - 1))
            remaining[stream] = left - 1
            position += 1
        }
        return acks
    }

    /// A chunk whose ids were all stored already: the store wrote nothing and checked each id
    /// against its stored record. Reads where each event went, to acknowledge the originals.
    private func storedPositions(
        of chunk: ArraySlice<InputBatch.Event>, in range: ClosedRange<LogPosition>
    ) throws -> [Int: (position: UInt64, version: UInt64)] {
        var wanted: [EventID: Int] = [:]
        for index in chunk.indices { wanted[chunk[index].data.id.logEventID] = index }
        var found: [Int: (position: UInt64, version: UInt64)] = [:]
        let count = Int(clamping: range.upperBound.rawValue - range.lowerBound.rawValue + 1)
        do {
            try store.log.forEachRecord(from: range.lowerBound, limit: count) { view in
                if let index = wanted[view.eventID] { found[index] = (view.position.rawValue, view.streamVersion) }
                return found.count < wanted.count
            }
        } catch {
            throw CLIError("reading the stored events of a re-sent batch failed: \(error)")
        }
        guard found.count == wanted.count else {
            throw CLIError("the store reported a re-sent batch as stored but \(wanted.count - found.count) of its events were not found")
        }
        return found
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
