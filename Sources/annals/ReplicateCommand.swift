import Annals
import AnnalsLog
import AnnalsNATS
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `annals replicate --dir D --nats URL[,URL...] --js-stream NAME [--subject-prefix P] [--replicas N] [--follow]`:
/// copies the store's events and stream deletions into a JetStream stream exactly once, in log order.
struct ReplicateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicate",
        abstract: "Replicate the store into a NATS JetStream stream, exactly once and in log order.",
        discussion: """
            Creates the JetStream stream if it is missing (file storage, --replicas copies), reads its last \
            message to find where to resume, and publishes every later event and stream deletion to \
            <prefix>.<encoded stream name>. \
            Without --follow it stops once every event and deletion is acknowledged and prints \
            {"replicated": N, "lastPosition": P, "jsSequence": S}. With --follow it keeps replicating until \
            SIGINT or SIGTERM, writing the lag to standard error every 10 s while there is one, then prints the same line. See docs/SCALEOUT.md.
            """)

    @Option(name: .long, help: "The store directory.")
    var dir: String

    @OptionGroup var cluster: NATSCommandOptions

    @Option(name: .long, help: "Subject prefix (default annals.<js-stream>).")
    var subjectPrefix: String?

    @Option(name: .long, help: "Copies of the JetStream stream when it is created (1...5).")
    var replicas: Int = 3

    @Flag(name: .long, help: "Keep replicating new events until SIGINT or SIGTERM.")
    var follow = false

    func validate() throws {
        guard (1...5).contains(replicas) else { throw ValidationError("--replicas must be 1...5") }
    }

    func run() async throws {
        let stop = InterruptSignals([SIGINT, SIGTERM])
        signal(SIGPIPE, SIG_IGN)
        let configuration = cluster.configuration(subjectPrefix: subjectPrefix, replicas: replicas)
        do { try configuration.validate() } catch { throw CLIError("\(error)") }
        let store = try await StoreAccess.openExistingForWriting(dir)
        let summary = try await StoreAccess.using(store) { store in
            let replicator = Replicator(store: store, configuration: configuration, logger: NATSCommandOptions.logger("annals.replicate"))
            let work = Task { () throws(ReplicationError) -> ReplicationSummary in
                follow ? try await replicator.follow() : try await replicator.catchUp()
            }
            // Under --follow, the lag goes to standard error every 10 s while it is not zero.
            let report = Task {
                while follow && !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 10_000_000_000)
                    let status = await replicator.status()
                    if status.lagPositions > 0 {
                        StandardIO.printError("replicate: cluster holds up to position \(status.acknowledgedPosition?.rawValue ?? 0), \(status.lagPositions) behind the store\(status.lastError.map { "; last error: \($0)" } ?? "")")
                    }
                }
            }
            defer { report.cancel() }
            stop.onSignal { work.cancel() }
            do { return try await work.value } catch { throw CLIError("replicate: \(error)") }
        }
        stop.cancel()
        StandardIO.print(summary.jsonLine)
    }
}
