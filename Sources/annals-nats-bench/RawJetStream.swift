import AnnalsNATS
import CNATS
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The limit the replicator is measured against: the same libnats client publishing messages
/// of the same size straight into an R3 stream, with no store and no Annals headers beyond
/// `Nats-Msg-Id`.
struct RawJetStream {
    let connection: OpaquePointer
    let js: OpaquePointer

    init(urls: [String]) throws {
        precondition(nats_Open(-1) == NATS_OK)
        var options: OpaquePointer?
        natsOptions_Create(&options)
        defer { natsOptions_Destroy(options) }
        var pointers = urls.map { UnsafePointer<CChar>(strdup($0)) }
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        _ = pointers.withUnsafeMutableBufferPointer { natsOptions_SetServers(options, $0.baseAddress, Int32($0.count)) }
        var made: OpaquePointer?
        guard natsConnection_Connect(&made, options) == NATS_OK, let made else { throw BenchError("cannot connect to \(urls)") }
        var jsOptions = CNATS.jsOptions()
        jsOptions_Init(&jsOptions)
        jsOptions.PublishAsync.MaxPending = 1024
        var context: OpaquePointer?
        guard natsConnection_JetStream(&context, made, &jsOptions) == NATS_OK, let context else { throw BenchError("no JetStream context") }
        connection = made
        js = context
    }

    /// Creates the R3 stream the raw publishes go to, configured exactly as the replicator's.
    func createStream(_ name: String, subject: String) throws {
        _ = try JetStreamStreams.addFileStream(js, name: name, subject: subject, replicas: 3)
    }

    /// Publishes `count` messages of `payloadBytes` asynchronously (1024 in flight) and waits
    /// for every acknowledgement; returns messages per second.
    func asyncRate(subject: String, count: Int, payloadBytes: Int) throws -> Double {
        let payload = [CChar](repeating: 120, count: payloadBytes)
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            let status = "raw-\(index)".withCString { id -> natsStatus in
                options.MsgId = id
                return js_PublishAsync(js, subject, payload, Int32(payload.count), &options)
            }
            guard status == NATS_OK else { throw BenchError("raw publish \(index) failed: \(status)") }
        }
        var wait = jsPubOptions()
        jsPubOptions_Init(&wait)
        wait.MaxWait = 60_000
        guard js_PublishAsyncComplete(js, &wait) == NATS_OK else { throw BenchError("raw publishes not all acknowledged") }
        return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Latencies (ns) of `count` synchronous publishes, one at a time.
    func syncLatencies(subject: String, count: Int, payloadBytes: Int) throws -> [UInt64] {
        let payload = [CChar](repeating: 120, count: payloadBytes)
        var latencies: [UInt64] = []
        for index in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            var ack: UnsafeMutablePointer<jsPubAck>?
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            let status = "sync-\(index)".withCString { id -> natsStatus in
                options.MsgId = id
                return js_Publish(&ack, js, subject, payload, Int32(payload.count), &options, nil)
            }
            if let ack { jsPubAck_Destroy(ack) }
            guard status == NATS_OK else { throw BenchError("raw sync publish \(index) failed") }
            latencies.append(DispatchTime.now().uptimeNanoseconds - start)
        }
        return latencies
    }

    func close() {
        jsCtx_Destroy(js)
        natsConnection_Destroy(connection)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The value below which `fraction` of `values` fall (nearest rank).
func percentile(_ values: [UInt64], _ fraction: Double) -> UInt64 {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[rank]
}
