import AnnalsLog
import ArgumentParser

/// The options every command that opens a store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (created if missing).")
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

    func open() throws -> Log {
        do {
            return try Log.open(directory: dir, options: logOptions())
        } catch {
            throw CLIError("cannot open store \(dir): \(error)")
        }
    }
}

enum DurabilityChoice: String, ExpressibleByArgument, CaseIterable {
    case always, interval, none
}

enum SealingChoice: String, ExpressibleByArgument, CaseIterable {
    case background, manual
}
