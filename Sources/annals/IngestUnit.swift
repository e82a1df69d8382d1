import Annals
import AnnalsLog

/// The events of one read of standard input (the complete lines it held), parsed and waiting
/// to be committed. A unit is committed atomically: it is split only when it exceeds the
/// largest batch one segment holds, and several ready units may share one commit.
struct IngestUnit {
    struct Event {
        var line: Int
        var stream: StreamName
        var data: EventData
        var storedBytes: Int
    }

    private(set) var events: [Event] = []
    /// The events as store requests, built here on the parsing thread so the committer only
    /// hands them over: the runs of consecutive events of one stream, in input order, each
    /// expecting `.any` (the committer sets `--expected-version` on the first).
    private(set) var requests: [StreamAppend] = []
    /// The bytes the events take in the log.
    private(set) var storedBytes = 0
    /// The input bytes the unit's lines took, newlines included (for progress).
    var inputBytes = 0
    /// The line of each id the input gave in this unit: a store append refuses repeated ids.
    private var lineOfID: [EventID: Int] = [:]

    var isEmpty: Bool { events.isEmpty }

    /// Adds an event, refusing one that can never be written or repeats an id of this unit.
    mutating func add(_ input: InputEvent, line: Int, batchBytesMax: Int) throws(CLIError) {
        let bytes = input.storedBytes
        guard bytes <= batchBytesMax else {
            throw CLIError("the event takes \(bytes) bytes in the log, more than the \(batchBytesMax) one segment can hold (see --segment-size)")
        }
        if let id = input.id, let earlier = lineOfID.updateValue(line, forKey: id) {
            throw CLIError("id \(id) repeats the id of line \(earlier)")
        }
        let event = Event(line: line, stream: StreamName(input.stream), data: input.eventData, storedBytes: bytes)
        if requests.last?.stream == event.stream {
            requests[requests.count - 1].events.append(event.data)
        } else {
            requests.append(StreamAppend(stream: event.stream, events: [event.data]))
        }
        events.append(event)
        storedBytes += bytes
    }

    /// `events` as store requests: the runs of consecutive events of one stream, in order.
    static func requests(_ events: ArraySlice<Event>) -> [StreamAppend] {
        var requests: [StreamAppend] = []
        for event in events {
            if requests.last?.stream == event.stream {
                requests[requests.count - 1].events.append(event.data)
            } else {
                requests.append(StreamAppend(stream: event.stream, events: [event.data]))
            }
        }
        return requests
    }

    /// The events cut into runs that each fit one atomic log batch, in input order.
    static func chunks(_ events: [Event], batchBytesMax: Int) -> [ArraySlice<Event>] {
        precondition(batchBytesMax > 0, "a batch holds at least one byte")
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
