/// Where and how a store replicates into (or restores from) a JetStream stream.
public struct ReplicationConfiguration: Sendable {
    /// NATS server URLs, such as `nats://10.0.0.1:4222`; the client tries them in order.
    public var servers: [String]
    /// The JetStream stream's name (no `.`, `*`, `>` or whitespace).
    public var streamName: String
    /// Events go to `<subjectPrefix>.<SubjectToken(stream)>`; the JetStream stream holds
    /// `<subjectPrefix>.>`. Default `annals.<streamName>`.
    public var subjectPrefix: String
    /// Copies the JetStream stream keeps when the replicator creates it (1...5).
    public var replicas: Int
    /// The most publishes awaiting their acknowledgement at once.
    public var windowMessages: Int
    /// How long one publish may wait for its acknowledgement before the window is resent.
    public var ackTimeoutMilliseconds: Int64
    /// How long connecting to one server may take.
    public var connectTimeoutMilliseconds: Int64
    /// How long a JetStream request (stream info, message get, create) may take.
    public var requestTimeoutMilliseconds: Int64
    /// The first and the largest wait between retries after a failure (doubling in between).
    public var backoffMinimumMilliseconds: Int64
    /// The largest wait between retries.
    public var backoffMaximumMilliseconds: Int64
    /// A catch-up run (not `follow`) fails with `.timeout` after this long without progress.
    public var stallTimeoutMilliseconds: Int64
    /// Called on a libnats thread for each acknowledged event (position, commit timestamp):
    /// for lag measurements. Must return quickly.
    public var onAcknowledged: (@Sendable (AcknowledgedEvent) -> Void)?

    /// The default publish window, in messages.
    public static let windowMessagesDefault = 1024

    /// A configuration for the JetStream stream `streamName` on `servers`, with `replicas`
    /// replicas, subjects under `subjectPrefix` (default `annals.<streamName>`), and every
    /// other setting at its default.
    public init(servers: [String], streamName: String, subjectPrefix: String? = nil, replicas: Int = 3) {
        self.servers = servers
        self.streamName = streamName
        self.subjectPrefix = subjectPrefix ?? "annals.\(streamName)"
        self.replicas = replicas
        windowMessages = Self.windowMessagesDefault
        ackTimeoutMilliseconds = 5_000
        connectTimeoutMilliseconds = 2_000
        requestTimeoutMilliseconds = 5_000
        backoffMinimumMilliseconds = 50
        backoffMaximumMilliseconds = 2_000
        stallTimeoutMilliseconds = 60_000
    }

    /// Throws `.invalidArgument` for a setting JetStream or the replicator cannot use.
    public func validate() throws(ReplicationError) {
        guard !servers.isEmpty, servers.allSatisfy({ !$0.isEmpty }) else { throw .invalidArgument("give at least one NATS server URL") }
        let forbidden: Set<Character> = [".", "*", ">", " ", "\t", "\n", "\r", "/", "\\"]
        guard !streamName.isEmpty, !streamName.contains(where: { forbidden.contains($0) }) else {
            throw .invalidArgument("JetStream stream name \"\(streamName)\" must be non-empty without '.', '*', '>', '/', '\\' or whitespace")
        }
        let tokens = subjectPrefix.split(separator: ".", omittingEmptySubsequences: false)
        guard !subjectPrefix.isEmpty, tokens.allSatisfy({ !$0.isEmpty && !$0.contains(where: { "*> \t\r\n".contains($0) }) }) else {
            throw .invalidArgument("subject prefix \"\(subjectPrefix)\" must be dot-separated non-empty tokens without wildcards or whitespace")
        }
        guard (1...5).contains(replicas) else { throw .invalidArgument("replicas must be 1...5, got \(replicas)") }
        guard windowMessages >= 1 else { throw .invalidArgument("the publish window must hold at least 1 message") }
        guard ackTimeoutMilliseconds > 0, connectTimeoutMilliseconds > 0, requestTimeoutMilliseconds > 0,
              backoffMinimumMilliseconds > 0, backoffMaximumMilliseconds >= backoffMinimumMilliseconds, stallTimeoutMilliseconds > 0
        else { throw .invalidArgument("timeouts and backoff must be positive (and the maximum backoff at least the minimum)") }
    }
}

/// One event the cluster acknowledged.
public struct AcknowledgedEvent: Sendable {
    /// Its position in the local store's log.
    public var position: UInt64
    /// The JetStream stream sequence it was stored at.
    public var sequence: UInt64
    /// The event's commit time in the local store, nanoseconds since 1970.
    public var timestampNanoseconds: Int64
}
