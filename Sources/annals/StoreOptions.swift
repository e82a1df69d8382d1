import Annals
import AnnalsLog
import ArgumentParser

/// The options every command that opens a store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (`annals append` creates it if missing).")
    var dir: String

    @Option(name: .long, help: "Segment size in bytes for segments created from now on (\(LogOptions.segmentBytesMin)...\(LogOptions.segmentBytesMax)).")
    var segmentSize: Int = LogOptions.segmentBytesDefault

    @Option(name: .long, help: "When appends are acknowledged: always (after fdatasync), interval, or none.")
    var durability: DurabilityChoice = .always

    @Option(name: .long, help: "Sync interval in milliseconds for --durability interval.")
    var intervalMs: Int = 100

    @Option(name: .long, help: "Seal full segments in the background (background) or only with `annals seal` (manual).")
    var sealing: SealingChoice = .background

    func logOptions() -> LogOptions {
        var options = LogOptions(segmentBytes: segmentSize)
        options.sealing = sealing == .background ? .background : .manual
        switch durability {
        case .always: options.durability = .always
        case .interval: options.durability = .interval(milliseconds: intervalMs)
        case .none: options.durability = .none
        }
        return options
    }

    /// Opens the storage core alone, read-only (verify and stats work below the stream layer,
    /// beside a running writer or not).
    func openReadOnly() throws -> Log {
        guard PosixFileSystem().exists(dir) else { throw CLIError("no store at \(dir)") }
        do {
            return try Log.open(directory: dir, options: logOptions(), mode: .readOnly)
        } catch {
            throw CLIError("cannot open store \(dir) read-only: \(error)")
        }
    }

    /// Opens the event store with these options, creating it if missing.
    func openStore() async throws -> EventStore {
        try await StoreAccess.open(dir, options: EventStoreOptions(log: logOptions()))
    }

    /// Opens an existing event store read-only, beside a running writer or not.
    func openStoreReadOnly() async throws -> EventStore {
        try await StoreAccess.openExisting(dir, options: EventStoreOptions(log: logOptions()))
    }
}

/// Opening and closing an `EventStore` from a command, with errors as `CLIError`s.
enum StoreAccess {
    static func open(_ dir: String, options: EventStoreOptions = EventStoreOptions(), mode: OpenMode = .readWrite) async throws -> EventStore {
        do {
            return try await EventStore.open(directory: dir, options: options, mode: mode)
        } catch {
            throw CLIError("cannot open store \(dir)\(mode == .readOnly ? " read-only" : ""): \(error)")
        }
    }

    /// Opens a store that must exist already, read-only: reading commands never create,
    /// lock, repair or otherwise change one, and run beside its writer.
    static func openExisting(_ dir: String, options: EventStoreOptions = EventStoreOptions()) async throws -> EventStore {
        guard PosixFileSystem().exists(dir) else { throw CLIError("no store at \(dir)") }
        return try await open(dir, options: options, mode: .readOnly)
    }

    /// Opens a store that must exist already, as its writer.
    static func openExistingForWriting(_ dir: String, options: EventStoreOptions = EventStoreOptions()) async throws -> EventStore {
        guard PosixFileSystem().exists(dir) else { throw CLIError("no store at \(dir)") }
        return try await open(dir, options: options)
    }

    /// Runs `body` with the store open and closes the store whatever happens; a failure of
    /// `body` wins over a failure to close.
    static func using<Result>(_ store: EventStore, _ body: (EventStore) async throws -> Result) async throws -> Result {
        let result: Result
        do {
            result = try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        do { try await store.close() } catch { throw CLIError("closing the store failed: \(error)") }
        return result
    }
}

enum DurabilityChoice: String, ExpressibleByArgument, CaseIterable {
    case always, interval, none
}

enum SealingChoice: String, ExpressibleByArgument, CaseIterable {
    case background, manual
}
