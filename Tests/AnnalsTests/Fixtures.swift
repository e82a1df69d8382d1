import AnnalsTestSupport
import Foundation
@testable import Annals
import AnnalsLog

/// Helpers shared by the stream-layer tests.
enum Fixtures {
    /// `count` events whose data says which stream and index they are.
    static func events(_ count: Int, tag: String = "e", type: String = "Tested") -> [EventData] {
        (0..<count).map { EventData(type: type, data: Array("{\"tag\":\"\(tag)\",\"i\":\($0)}".utf8)) }
    }

    /// Options with small segments, so a few hundred events span many of them.
    static func smallSegments(_ bytes: Int = 4096, hash: (@Sendable (String) -> UInt64)? = nil) -> EventStoreOptions {
        EventStoreOptions(log: LogOptions(durability: .none, segmentBytes: bytes), streamHashForTesting: hash)
    }

    /// A soft deletion as `readChanges` reports it (stream `c`, position 2), made in a scratch
    /// store of its own, for tests that copy it with `delete(replicating:)`.
    static func softDeletionToCopy() async throws -> StreamDeletion {
        try await withStore { source, _ in
            try await source.append(to: "c", events(1))
            try await source.softDelete(stream: "c")
            guard case .deletion(let deletion)? = try await source.readChanges(fromPosition: LogPosition(2), limit: 1).first
            else { throw EventStoreError.invalidArgument("no deletion at position 2") }
            return deletion
        }
    }

    static func fast() -> EventStoreOptions {
        EventStoreOptions(log: LogOptions(durability: .none))
    }
}

/// Runs `body` with a fresh store in a fresh directory, then closes and removes both.
func withStore<T>(
    _ options: EventStoreOptions = Fixtures.fast(), _ body: (EventStore, TemporaryDirectory) async throws -> T
) async throws -> T {
    let dir = TemporaryDirectory("annals-streams")
    defer { dir.remove() }
    let store = try await EventStore.open(directory: dir.path, options: options)
    do {
        let result = try await body(store, dir)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

extension AppendResult {
    /// This result as a re-sent append reports it: the original positions and version, marked
    /// as a replay (nothing was written).
    var replayed: AppendResult { AppendResult(positions: positions, streamVersion: streamVersion, isReplay: true) }
}
