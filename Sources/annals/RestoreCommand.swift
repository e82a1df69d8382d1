import Annals
import AnnalsNATS
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `annals restore --dir D --nats URL[,URL...] --js-stream NAME [--follow]`: builds (or brings up to
/// date) a store from a JetStream stream that `annals replicate` filled.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Build or update a store from a NATS JetStream stream that `annals replicate` filled.",
        discussion: """
            Creates the store if it is missing. Applies events and stream deletions at the source's positions. \
            Resumes after the store's last record (looked up in the JetStream stream and checked by id), \
            so it can be run again at any time; a store of other origin is refused. \
            Without --follow it stops at the stream's last message as of the start and prints \
            {"replicated": N, "lastPosition": P, "jsSequence": S}. With --follow it keeps applying new changes \
            until SIGINT or SIGTERM, then prints the same line. See docs/SCALEOUT.md.
            """)

    @Option(name: .long, help: "The store directory (created if missing).")
    var dir: String

    @OptionGroup var cluster: NATSCommandOptions

    @Flag(name: .long, help: "Keep applying new events until SIGINT or SIGTERM.")
    var follow = false

    func run() async throws {
        let stop = InterruptSignals([SIGINT, SIGTERM])
        signal(SIGPIPE, SIG_IGN)
        let configuration = cluster.configuration()
        do { try configuration.validate() } catch { throw CLIError("\(error)") }
        let store = try await StoreAccess.open(dir)
        let summary = try await StoreAccess.using(store) { store in
            let restorer = Restorer(store: store, configuration: configuration, logger: NATSCommandOptions.logger("annals.restore"))
            let work = Task { () throws(ReplicationError) -> ReplicationSummary in
                follow ? try await restorer.follow() : try await restorer.catchUp()
            }
            stop.onSignal { work.cancel() }
            do { return try await work.value } catch { throw CLIError("restore: \(error)") }
        }
        stop.cancel()
        StandardIO.print(summary.jsonLine)
    }
}
