import Annals
import AnnalsLog

/// Commits parsed input through the event store and writes the acknowledgement lines.
///
/// Each chunk of a batch is one store append: a multi-stream append when it names several
/// streams, so it is atomic across them. The store writes a stream's events together, in the
/// order streams first appear in the chunk; acknowledgements still come in input order, each
/// with the position its event really got.
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
        var order: [StreamName] = []
        var byStream: [StreamName: [Int]] = [:]
        for index in chunk.indices {
            let name = chunk[index].stream
            if byStream[name] == nil { order.append(name) }
            byStream[name, default: []].append(index)
        }
        let requests = order.map { name in
            StreamAppend(stream: name, events: byStream[name]!.map { chunk[$0].data },
                         expectedVersion: name == stream ? (expected ?? .any) : .any)
        }
        let next = store.log.nextPosition
        let result: MultiAppendResult
        do {
            result = try await store.append(requests)
        } catch {
            throw CLIError(Self.message(error, lines: chunk.first!.line...chunk.last!.line))
        }
        var acks: [Int: (position: UInt64, version: UInt64)] = [:]
        if result.positions.lowerBound >= next {
            // Written now: the log holds the requests' events in order from the range's start.
            var position = result.positions.lowerBound.rawValue
            for name in order {
                let indices = byStream[name]!
                let last = result.streamVersions[name]!
                for (offset, index) in indices.enumerated() {
                    acks[index] = (position, last - UInt64(indices.count - 1 - offset))
                    position += 1
                }
            }
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
