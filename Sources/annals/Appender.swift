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

    func newBatch() -> InputBatch { InputBatch(batchBytesMax: store.batchBytesMax) }

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
        let result: MultiAppendResult
        do {
            result = try await store.append(requests)
        } catch {
            throw CLIError(Self.message(error, lines: chunk.first!.line...chunk.last!.line))
        }
        precondition(result.events.count == chunk.count, "one result per event")
        if let stream, let reached = result.streamVersions[stream] { expected = expected.map { _ in .exact(reached) } }
        var writer = JSONWriter()
        var output: [UInt8] = []
        for (index, ack) in zip(chunk.indices, result.events) {
            writer.beginObject()
            writer.field("position", ack.position.rawValue)
            writer.field("stream", chunk[index].stream.rawValue)
            writer.field("version", ack.streamVersion)
            writer.endObject()
            output += writer.finishLine()
        }
        return output
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
