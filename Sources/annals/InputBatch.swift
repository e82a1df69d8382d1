import Annals
import AnnalsLog

/// The events of one read from standard input, parsed and waiting to be committed, with the
/// input line each came from.
struct InputBatch {
    struct Event {
        var line: Int
        var stream: StreamName
        var data: EventData
        var storedBytes: Int
    }

    /// The most bytes one atomic log batch may take (the segment size less its header).
    let batchBytesMax: Int
    private(set) var events: [Event] = []
    /// The line of each given id in this batch: a store append refuses repeated ids.
    private var lineOfID: [EventID: Int] = [:]

    init(batchBytesMax: Int) {
        precondition(batchBytesMax > 0, "a batch holds at least one byte")
        self.batchBytesMax = batchBytesMax
    }

    var isEmpty: Bool { events.isEmpty }

    /// Adds an event, refusing one that can never be written or repeats an id of this batch.
    mutating func add(_ input: InputEvent, line: Int) throws {
        let bytes = input.storedBytes
        guard bytes <= batchBytesMax else {
            throw CLIError("the event takes \(bytes) bytes in the log, more than the \(batchBytesMax) one segment can hold (see --segment-size)")
        }
        if let id = input.id {
            if let earlier = lineOfID.updateValue(line, forKey: id) {
                throw CLIError("id \(id) repeats the id of line \(earlier)")
            }
        }
        events.append(Event(line: line, stream: StreamName(input.stream), data: input.eventData, storedBytes: bytes))
    }

    /// The events cut into runs that each fit one atomic log batch, in input order.
    var chunks: [ArraySlice<Event>] {
        var chunks: [ArraySlice<Event>] = []
        var start = 0
        while start < events.count {
            var end = start
            var bytes = 0
            while end < events.count, end == start || bytes + events[end].storedBytes <= batchBytesMax {
                bytes += events[end].storedBytes
                end += 1
            }
            chunks.append(events[start..<end])
            start = end
        }
        return chunks
    }
}
