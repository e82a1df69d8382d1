import CNATS

/// Creating a JetStream stream the way Annals uses one: file storage, a given number of copies,
/// and one subject filter. One place for the configuration, shared by the replicator
/// (`NATSConnection.addStream`) and the benchmark's raw client (annals-nats-bench), so the
/// limit the replicator is measured against runs on an identical stream.
package enum JetStreamStreams {
    /// Creates stream `name` holding `subject` with `replicas` copies on file storage, through
    /// the JetStream context `js` (a libnats `jsCtx*`).
    package static func addFileStream(_ js: OpaquePointer, name: String, subject: String, replicas: Int) throws(ReplicationError) -> JetStreamState {
        precondition(!name.isEmpty && !subject.isEmpty, "a stream needs a name and a subject")
        precondition((1...5).contains(replicas), "JetStream keeps 1 to 5 copies")
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status: natsStatus = name.withCString { namePointer in
            subject.withCString { subjectPointer in
                var subjects: [UnsafePointer<CChar>?] = [subjectPointer]
                return subjects.withUnsafeMutableBufferPointer { list in
                    config.Name = namePointer
                    config.Subjects = list.baseAddress
                    config.SubjectsLen = 1
                    config.Storage = js_FileStorage
                    config.Replicas = Int64(replicas)
                    return js_AddStream(&info, js, &config, nil, &code)
                }
            }
        }
        defer { if let info { jsStreamInfo_Destroy(info) } }
        try NATSConnection.check(status, "creating JetStream stream \(name) (R\(replicas), subject \(subject))", errorCode: code)
        guard let info else { throw .nats(operation: "creating JetStream stream \(name)", status: "no stream info returned", errorCode: 0) }
        return NATSConnection.state(info.pointee)
    }
}
