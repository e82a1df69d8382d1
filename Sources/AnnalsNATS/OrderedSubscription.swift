import CNATS

/// A JetStream ordered consumer (ephemeral, flow-controlled, in stream order, recreated by
/// libnats after a gap or a server failure), read synchronously in batches.
final class OrderedSubscription: @unchecked Sendable {
    private let subscription: OpaquePointer
    let stream: String

    /// Starts delivering stream `name` (subject filter `subject`) at `startSequence`.
    init(_ connection: NATSConnection, stream name: String, subject: String, startSequence: UInt64) throws(ReplicationError) {
        var options = jsSubOptions()
        jsSubOptions_Init(&options)
        options.Ordered = true
        options.Config.DeliverPolicy = js_DeliverByStartSequence
        options.Config.OptStartSeq = max(startSequence, 1)
        var made: OpaquePointer?
        var code = jsErrCode(rawValue: 0)
        let status = name.withCString { namePointer in
            options.Stream = namePointer
            return js_SubscribeSync(&made, connection.js, subject, nil, &options, &code)
        }
        try NATSConnection.check(status, "subscribing to JetStream stream \(name) from sequence \(startSequence)", errorCode: code)
        guard let made else { throw .nats(operation: "subscribing to \(name)", status: "no subscription returned", errorCode: 0) }
        subscription = made
        stream = name
    }

    /// Up to `limit` changes (events and deletions): waits up to `timeoutMilliseconds` for the
    /// first, then takes only what has arrived already. Empty when nothing came in time.
    func next(limit: Int, timeoutMilliseconds: Int64) throws(ReplicationError) -> [ReplicatedChange] {
        var events: [ReplicatedChange] = []
        while events.count < limit {
            var message: OpaquePointer?
            let status = natsSubscription_NextMsg(&message, subscription, events.isEmpty ? timeoutMilliseconds : 0)
            if status == NATS_TIMEOUT { break }
            try NATSConnection.check(status, "reading JetStream stream \(stream)")
            guard let message else { break }
            defer { natsMsg_Destroy(message) }
            var metadata: UnsafeMutablePointer<jsMsgMetaData>?
            try NATSConnection.check(natsMsg_GetMetaData(&metadata, message), "reading a message's JetStream metadata")
            guard let metadata else { throw .nats(operation: "reading a message's JetStream metadata", status: "none", errorCode: 0) }
            let sequence = metadata.pointee.Sequence.Stream
            jsMsgMetaData_Destroy(metadata)
            events.append(try EventHeaders.change(from: message, sequence: sequence))
        }
        return events
    }

    func close() {
        natsSubscription_Unsubscribe(subscription)
        natsSubscription_Destroy(subscription)
    }
}
