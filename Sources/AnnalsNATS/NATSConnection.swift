import CNATS
import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// One connection to a NATS cluster and its JetStream context (libnats). Every method blocks
/// the calling thread for at most the request timeout; async callers go through
/// `NATSBlocking.run`. libnats connections are thread-safe, so any thread may call.
///
/// Asynchronous publish results arrive on a libnats thread, in the order the server sent them,
/// through `ackSink`.
final class NATSConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    private var jetStream: OpaquePointer?
    /// Receives every asynchronous publish result; replaced by each replication session.
    /// A concrete stored property, not a generic box: reading a closure through a generic
    /// `inout` wraps it in a reabstraction thunk at each write-back, so the chain would grow
    /// with every publish result.
    private let sinkLock = PosixMutex()
    private var sink: (@Sendable (PublishResult) -> Void)?
    let servers: [String]
    let requestTimeoutMilliseconds: Int64

    /// Connects to the first server of `servers` that answers within `connectTimeoutMilliseconds`.
    /// After that the connection reconnects by itself forever (publishes are buffered meanwhile).
    static func connect(
        servers: [String], name: String, connectTimeoutMilliseconds: Int64, requestTimeoutMilliseconds: Int64
    ) throws(ReplicationError) -> NATSConnection {
        precondition(!servers.isEmpty, "at least one server")
        NATSLibrary.open()
        var options: OpaquePointer?
        try check(natsOptions_Create(&options), "natsOptions_Create")
        defer { natsOptions_Destroy(options) }
        var urls = servers.map { UnsafePointer<CChar>(strdup($0)) }
        defer { for url in urls { free(UnsafeMutablePointer(mutating: url)) } }
        let status = urls.withUnsafeMutableBufferPointer { natsOptions_SetServers(options, $0.baseAddress, Int32($0.count)) }
        guard status == NATS_OK else {
            throw .invalidArgument("bad NATS server list \(servers.joined(separator: ",")): \(lastErrorText(status))")
        }
        natsOptions_SetName(options, name)
        natsOptions_SetTimeout(options, connectTimeoutMilliseconds)
        natsOptions_SetNoRandomize(options, true)
        natsOptions_SetAllowReconnect(options, true)
        natsOptions_SetMaxReconnect(options, -1)
        natsOptions_SetReconnectWait(options, 100)
        natsOptions_SetPingInterval(options, 2000)
        natsOptions_SetMaxPingsOut(options, 2)
        natsOptions_SetReconnectBufSize(options, 64 * 1024 * 1024)
        natsOptions_SetMaxPendingMsgs(options, 1 << 20)
        var handle: OpaquePointer?
        let connected = natsConnection_Connect(&handle, options)
        guard connected == NATS_OK, let handle else {
            throw .unreachable(servers: servers, reason: lastErrorText(connected))
        }
        let made = NATSConnection(connection: handle, servers: servers, requestTimeoutMilliseconds: requestTimeoutMilliseconds)
        try made.openJetStream()
        return made
    }

    private init(connection: OpaquePointer, servers: [String], requestTimeoutMilliseconds: Int64) {
        self.connection = connection
        self.servers = servers
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
    }

    private func openJetStream() throws(ReplicationError) {
        var options = jsOptions()
        jsOptions_Init(&options)
        options.Wait = requestTimeoutMilliseconds
        options.PublishAsync.MaxPending = 1 << 20
        options.PublishAsync.AckHandler = publishResultCallback
        options.PublishAsync.AckHandlerClosure = Unmanaged.passUnretained(self).toOpaque()
        var context: OpaquePointer?
        try Self.check(natsConnection_JetStream(&context, connection, &options), "natsConnection_JetStream")
        jetStream = context
    }

    /// Closes the connection; publish results still pending are dropped.
    func close() {
        setPublishResultReceiver(nil)
        natsConnection_Close(connection)
        if let jetStream { jsCtx_Destroy(jetStream) }
        jetStream = nil
        natsConnection_Destroy(connection)
    }

    var js: OpaquePointer {
        guard let jetStream else { preconditionFailure("the JetStream context lives until close()") }
        return jetStream
    }

    /// Routes publish results to `receiver` (nil drops them).
    func setPublishResultReceiver(_ receiver: (@Sendable (PublishResult) -> Void)?) {
        sinkLock.lock()
        sink = receiver
        sinkLock.unlock()
    }

    fileprivate func deliver(_ result: PublishResult) {
        sinkLock.lock()
        let receiver = sink
        sinkLock.unlock()
        receiver?(result)
    }

    static func check(_ status: natsStatus, _ operation: String, errorCode: jsErrCode = jsErrCode(rawValue: 0)) throws(ReplicationError) {
        guard status == NATS_OK else {
            throw .nats(operation: operation, status: lastErrorText(status), errorCode: Int(errorCode.rawValue))
        }
    }

    /// libnats' text for `status`, with the detail of the last error on this thread when it has one.
    static func lastErrorText(_ status: natsStatus) -> String {
        let base = String(cString: natsStatus_GetText(status))
        guard let detail = nats_GetLastError(nil) else { return base }
        let text = String(cString: detail)
        return text.isEmpty ? base : text
    }
}

/// The result of one asynchronous publish, identified by the log position it carried.
struct PublishResult: Sendable {
    enum Outcome: Sendable {
        /// Stored at `sequence` (`duplicate`: it was stored before, under the same `Nats-Msg-Id`).
        case stored(sequence: UInt64, duplicate: Bool)
        /// Refused or timed out: libnats' status text and the JetStream error code (0 if none).
        case failed(status: String, errorCode: Int)
    }

    var position: LogPosition?
    var outcome: Outcome
}

/// The C callback libnats calls for every asynchronous publish result.
private let publishResultCallback: jsPubAckHandler = { _, message, ack, ackError, closure in
    defer { natsMsg_Destroy(message) }
    guard let closure else { return }
    let connection = Unmanaged<NATSConnection>.fromOpaque(closure).takeUnretainedValue()
    let position = message.flatMap { EventHeaders.header($0, EventHeaders.position) }.flatMap(UInt64.init).map(LogPosition.init(rawValue:))
    if let ack {
        connection.deliver(PublishResult(position: position, outcome: .stored(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate)))
    } else if let ackError {
        let text = ackError.pointee.ErrText.map { String(cString: $0) } ?? String(cString: natsStatus_GetText(ackError.pointee.Err))
        connection.deliver(PublishResult(position: position, outcome: .failed(status: text, errorCode: Int(ackError.pointee.ErrCode.rawValue))))
    } else {
        connection.deliver(PublishResult(position: position, outcome: .failed(status: "no acknowledgement", errorCode: 0)))
    }
}
