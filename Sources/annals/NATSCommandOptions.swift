import AnnalsNATS
import ArgumentParser
import Logging

/// The options `annals replicate` and `annals restore` share: where the cluster is, which
/// JetStream stream, and how long to wait before giving up with a message.
struct NATSCommandOptions: ParsableArguments {
    @Option(name: .long, help: "NATS server URLs, comma-separated (nats://host:port,...).")
    var nats: String

    @Option(name: .customLong("js-stream"), help: "The JetStream stream's name.")
    var jsStream: String

    @Option(name: .long, help: "Seconds without progress (or to connect) before giving up with an error.")
    var timeout: Int = 30

    var servers: [String] { nats.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty } }

    func validate() throws {
        guard !servers.isEmpty else { throw ValidationError("--nats needs at least one URL") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// The configuration these options give, with connect, request and stall times bounded by `--timeout`.
    func configuration(subjectPrefix: String? = nil, replicas: Int = 3) -> ReplicationConfiguration {
        var configuration = ReplicationConfiguration(servers: servers, streamName: jsStream, subjectPrefix: subjectPrefix, replicas: replicas)
        let milliseconds = Int64(timeout) * 1000
        configuration.connectTimeoutMilliseconds = min(milliseconds, 5_000)
        configuration.requestTimeoutMilliseconds = min(milliseconds, 5_000)
        configuration.ackTimeoutMilliseconds = min(milliseconds, 5_000)
        configuration.stallTimeoutMilliseconds = milliseconds
        return configuration
    }

    /// A logger that writes warnings (retries, lag) to standard error.
    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
