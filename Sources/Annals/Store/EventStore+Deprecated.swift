#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AnnalsLog

// The names this release replaced (CHANGELOG.md says why). Each forwards to its new name and
// goes away in the next release. The `from:` shims take no default, so a call that passes no
// start resolves to the new name.

extension EventStore {
    /// Deprecated: `from:` read as a stream version here but as a log position in `readAll`.
    @available(*, deprecated, renamed: "read(stream:fromVersion:direction:limit:)")
    public func read(
        stream: StreamName, from version: UInt64?, direction: ReadDirection = .forward, limit: Int = .max
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(stream: stream, fromVersion: version, direction: direction, limit: limit)
    }

    /// Deprecated: `from:` read as a log position here but as a stream version in `read(stream:)`.
    @available(*, deprecated, renamed: "readAll(fromPosition:direction:limit:)")
    public func readAll(
        from position: LogPosition, direction: ReadDirection = .forward, limit: Int = .max
    ) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.readAll(fromPosition: position, direction: direction, limit: limit)
    }

    /// Deprecated: see ``readAll(from:direction:limit:)``.
    @available(*, deprecated, renamed: "read(filter:fromPosition:limit:)")
    public func read(filter: EventFilter, from position: LogPosition, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: filter, fromPosition: position, limit: limit)
    }

    /// Deprecated: see ``readAll(from:direction:limit:)``.
    @available(*, deprecated, renamed: "read(category:fromPosition:limit:)")
    public func read(category: String, from position: LogPosition, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: .category(category), fromPosition: position, limit: limit)
    }

    /// Deprecated: see ``readAll(from:direction:limit:)``.
    @available(*, deprecated, renamed: "read(eventType:fromPosition:limit:)")
    public func read(eventType: String, from position: LogPosition, limit: Int = .max) async throws(EventStoreError) -> [RecordedEvent] {
        try reader.read(filter: .eventType(eventType), fromPosition: position, limit: limit)
    }

    /// Deprecated: `from:` is a log position here, a stream version in `read(stream:)`.
    @available(*, deprecated, renamed: "readChanges(fromPosition:limit:)")
    public func readChanges(from position: LogPosition, limit: Int = .max) async throws(EventStoreError) -> [StoreChange] {
        try reader.readChanges(fromPosition: position, limit: limit)
    }

    /// Deprecated: `checkpoint(name:position:)` saved while `checkpoint(named:)` read.
    @available(*, deprecated, renamed: "saveCheckpoint(named:position:)")
    public func checkpoint(name: String, position: LogPosition) async throws(EventStoreError) {
        try await saveCheckpoint(named: name, position: position)
    }
}

extension EventStoreReader {
    /// Deprecated: see ``EventStore/readChanges(from:limit:)``.
    @available(*, deprecated, renamed: "readChanges(fromPosition:limit:)")
    public func readChanges(from position: LogPosition, limit: Int = .max) throws(EventStoreError) -> [StoreChange] {
        try readChanges(fromPosition: position, limit: limit)
    }

    /// Deprecated: see ``EventStore/read(stream:from:direction:limit:)``.
    @available(*, deprecated, renamed: "read(stream:fromVersion:direction:limit:)")
    public func read(
        stream: StreamName, from version: UInt64?, direction: ReadDirection = .forward, limit: Int = .max
    ) throws(EventStoreError) -> [RecordedEvent] {
        try read(stream: stream, fromVersion: version, direction: direction, limit: limit)
    }

    /// Deprecated: see ``EventStore/readAll(from:direction:limit:)``.
    @available(*, deprecated, renamed: "readAll(fromPosition:direction:limit:)")
    public func readAll(
        from position: LogPosition, direction: ReadDirection = .forward, limit: Int = .max
    ) throws(EventStoreError) -> [RecordedEvent] {
        try readAll(fromPosition: position, direction: direction, limit: limit)
    }

    /// Deprecated: see ``EventStore/readAll(from:direction:limit:)``.
    @available(*, deprecated, renamed: "read(filter:fromPosition:limit:)")
    public func read(filter: EventFilter, from position: LogPosition, limit: Int = .max) throws(EventStoreError) -> [RecordedEvent] {
        try read(filter: filter, fromPosition: position, limit: limit)
    }
}
