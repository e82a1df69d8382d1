import AnnalsJSON
import Annals
import AnnalsLog
import FoundationEssentials

/// Runs a `ReadQuery` page by page, writing each page's JSON lines as it comes, so memory stays
/// bounded by one page however much the read returns.
struct EventReader {
    /// Events asked of the store at once.
    static let pageEvents = 1024

    let store: EventStore
    /// Events still to write.
    private(set) var remaining: Int
    /// Output is collected up to this size and written with one `write`.
    static let flushBytes = 1 << 20
    private var writer = JSONWriter(capacity: flushBytes + (64 << 10))

    init(store: EventStore, limit: Int) {
        precondition(limit > 0, "a read writes at least one event")
        self.store = store
        self.remaining = limit
    }

    mutating func run(_ query: ReadQuery) async throws {
        do {
            switch query {
            case .all(let from, let backward):
                if backward { try await readAllBackward(from: from) } else { try await readFiltered(.all, type: nil, from: from ?? .first) }
            case .stream(let stream, let fromVersion, let backward):
                try await readStream(stream, from: fromVersion, backward: backward)
            case .filtered(let category, let type, let start):
                guard let first = try await position(of: start) else { return }
                let filter: EventFilter = category.map { .category($0) } ?? type.map { .eventType($0) } ?? .all
                try await readFiltered(filter, type: category != nil ? type : nil, from: first)
            case .tagged(let query, let start):
                switch start {
                case .after(let position):
                    try await readTagged(query, after: position.rawValue == 0 ? nil : position)
                default:
                    guard let first = try await position(of: start) else { return }
                    try await readTagged(query, after: first > .first ? LogPosition(rawValue: first.rawValue - 1) : nil)
                }
            }
            flush()
        } catch let error as EventStoreError {
            throw CLIError(Self.message(error))
        }
    }

    /// Forward by position through events passing `filter`, and also of `type` when given.
    private mutating func readFiltered(_ filter: EventFilter, type: String?, from start: LogPosition) async throws {
        var cursor = start
        while remaining > 0 {
            let page = try await store.read(filter: filter, fromPosition: cursor, limit: Self.pageEvents)
            guard let last = page.last else { return }
            emit(type.map { type in page.filter { $0.type == type } } ?? page)
            guard page.count == Self.pageEvents, last.position.rawValue < UInt64.max else { return }
            cursor = last.position.advanced(by: 1)
        }
    }

    /// Forward by position through the events `query` selects after `after` (nil: from the start).
    private mutating func readTagged(_ query: EventQuery, after: LogPosition?) async throws {
        var cursor = after
        while remaining > 0 {
            let asked = min(remaining, Self.pageEvents)
            let page = try await store.read(query, after: cursor, limit: asked)
            guard let last = page.last else { return }
            emit(page)
            guard page.count == asked else { return }
            cursor = last.position
        }
    }

    private mutating func readAllBackward(from start: LogPosition?) async throws {
        guard var cursor = start ?? store.lastPosition else { return }
        while remaining > 0 {
            let page = try await store.readAll(fromPosition: cursor, direction: .backward, limit: min(remaining, Self.pageEvents))
            guard let last = page.last else { return }
            emit(page)
            guard page.count == Self.pageEvents, last.position > .first else { return }
            cursor = LogPosition(rawValue: last.position.rawValue - 1)
        }
    }

    private mutating func readStream(_ stream: StreamName, from version: UInt64?, backward: Bool) async throws {
        var next = version
        while remaining > 0 {
            let page = try await store.read(stream: stream, fromVersion: next, direction: backward ? .backward : .forward,
                                            limit: min(remaining, Self.pageEvents))
            guard let last = page.last else { return }
            emit(page)
            guard page.count == Self.pageEvents else { return }
            if backward {
                guard last.version > 0 else { return }
                next = last.version - 1
            } else {
                guard last.version < UInt64.max else { return }
                next = last.version + 1
            }
        }
    }

    /// The position a filtered read starts at; nil when no event is that recent.
    private func position(of start: ReadQuery.Start) async throws -> LogPosition? {
        switch start {
        case .position(let position):
            return position
        case .after(let position):
            return position.rawValue < UInt64.max ? position.advanced(by: 1) : nil
        case .since(let nanoseconds):
            return try await store.firstPosition(atOrAfter: Date(timeIntervalSince1970: Double(nanoseconds) / 1e9))
        }
    }

    /// Writes up to `remaining` of `events`.
    private mutating func emit(_ events: [RecordedEvent]) {
        for event in events.prefix(remaining) {
            RecordJSON.append(event, to: &writer)
        }
        remaining -= min(remaining, events.count)
        if writer.count >= Self.flushBytes { flush() }
    }

    /// Writes what the pages so far produced, in one `write`.
    mutating func flush() {
        StandardIO.write(writer.bytes)
        writer.removeAll()
    }

    static func message(_ error: EventStoreError) -> String {
        switch error {
        case .streamDeleted(let stream):
            "stream \(stream) is deleted (soft delete); an append with --expected-version no-stream revives it"
        case .streamTombstoned(let stream):
            "stream \(stream) is hard-deleted: it can never be read or written again"
        default:
            "read failed: \(error)"
        }
    }
}
