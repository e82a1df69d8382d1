import AnnalsTestSupport
import Foundation
import Testing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// The leftover of issue 15 §1: a store after a power loss (no `CLEAN` marker, and no `HEAD`,
/// which is never synced) whose last segment and its `.pidx` were both deleted. The log alone
/// cannot tell (after a kill, `HEAD` survives and it can: `LostSegmentAfterCrashTests`); the
/// stream layer's index files of the segment before it can (`StoreEngine.checkNoSegmentLostAfter`).
@Suite(.timeLimit(.minutes(10))) struct LostLastSegmentTests {
    /// A crashed store of at least three segments whose index files were all written.
    static func crashedStore() async throws -> (fs: SimulatedFileSystem, logs: [String]) {
        let fs = SimulatedFileSystem(seed: 9)
        var options = EventStoreOptions(log: LogOptions(durability: .always, segmentBytes: 4096, fileSystem: fs))
        options.waitsForIndexWrites = true
        let store = try await EventStore.open(directory: "/store", options: options)
        while store.log.segmentBases().count < 3 {
            try await store.append(to: "order-\(store.log.nextPosition.rawValue % 3)", Fixtures.events(2))
        }
        let rebooted = fs.crash()
        let logs = try rebooted.list("/store").filter { $0.hasSuffix(".log") }.sorted()
        return (rebooted, logs)
    }

    static func options(_ fs: SimulatedFileSystem) -> EventStoreOptions {
        EventStoreOptions(log: LogOptions(durability: .always, segmentBytes: 4096, fileSystem: fs))
    }

    /// Proves deleting the last segment and its position index after a crash fails the open with
    /// `.corruption` naming the missing segment (it opened with fewer events before), and keeps
    /// failing on every later open.
    @Test func lastSegmentDeletedWithItsIndexAfterACrashFailsOpen() async throws {
        let (fs, logs) = try await Self.crashedStore()
        let last = logs.last!
        try fs.remove("/store/" + last)
        try fs.remove("/store/" + last.replacingOccurrences(of: ".log", with: ".pidx"))
        try fs.syncDirectory("/store")
        for attempt in 1...2 {
            do {
                _ = try await EventStore.open(directory: "/store", options: Self.options(fs))
                Issue.record("open \(attempt) accepted a store that lost its last segment \(last)")
            } catch {
                guard case .storage(let storage) = error else { Issue.record("open failed with \(error)"); continue }
                #expect(storage.code == .corruption && "\(storage)".contains(last), "open \(attempt): \(storage)")
            }
        }
    }

    /// Proves the check raises no false alarm: after the same crash with nothing deleted, the
    /// store opens and reads every event.
    @Test func crashWithNothingDeletedOpens() async throws {
        let (fs, _) = try await Self.crashedStore()
        let store = try await EventStore.open(directory: "/store", options: Self.options(fs))
        #expect(try await store.readAll().count == Int(store.log.nextPosition.rawValue - 1))
        try await store.close()
    }
}
