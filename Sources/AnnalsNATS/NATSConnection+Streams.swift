import AnnalsLog
import CNATS

/// What JetStream says of a stream: its sequences and its subjects.
package struct JetStreamState: Sendable, Equatable {
    var messages: UInt64
    var firstSequence: UInt64
    /// 0 when nothing was ever stored.
    var lastSequence: UInt64
    var subjects: [String]
    var replicas: Int
    /// The server name of the stream's RAFT leader, when JetStream reports one.
    var leader: String?
}

extension NATSConnection {
    /// JetStream's error code for a stream that does not exist.
    static let streamNotFoundCode = 10059
    /// JetStream's error code for "no message found".
    static let noMessageFoundCode = 10037

    /// The stream's state, or nil when it does not exist.
    func streamState(_ name: String) throws(ReplicationError) -> JetStreamState? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = js_GetStreamInfo(&info, js, name, nil, &code)
        defer { if let info { jsStreamInfo_Destroy(info) } }
        if status == NATS_NOT_FOUND || Int(code.rawValue) == Self.streamNotFoundCode { return nil }
        try Self.check(status, "reading JetStream stream \(name)", errorCode: code)
        guard let info else { return nil }
        return Self.state(info.pointee)
    }

    /// Creates the stream with file storage, `replicas` copies and the one subject filter `subject`.
    func addStream(_ name: String, subject: String, replicas: Int) throws(ReplicationError) -> JetStreamState {
        try JetStreamStreams.addFileStream(js, name: name, subject: subject, replicas: replicas)
    }

    /// The change (event or deletion) stored at `sequence` of stream `name`.
    func change(stream name: String, sequence: UInt64) throws(ReplicationError) -> ReplicatedChange {
        var message: OpaquePointer?
        var code = jsErrCode(rawValue: 0)
        let status = js_GetMsg(&message, js, name, sequence, nil, &code)
        defer { natsMsg_Destroy(message) }
        try Self.check(status, "reading message \(sequence) of JetStream stream \(name)", errorCode: code)
        guard let message else { throw .invalidMessage(sequence: sequence, reason: "no message returned") }
        return try EventHeaders.change(from: message, sequence: sequence)
    }

    /// The sequence of the message carrying log position `position`, found by bisection
    /// (positions grow with sequences; deletions carry positions too), or nil when no message carries it.
    func sequence(stream name: String, of position: UInt64, in state: JetStreamState) throws(ReplicationError) -> UInt64? {
        guard state.lastSequence > 0 else { return nil }
        var low = state.firstSequence, high = state.lastSequence
        while low <= high {
            let middle = low + (high - low) / 2
            let found = try change(stream: name, sequence: middle).position.rawValue
            if found == position { return middle }
            if found < position { low = middle + 1 } else {
                guard middle > 0 else { return nil }
                high = middle - 1
            }
        }
        return nil
    }

    static func state(_ info: jsStreamInfo) -> JetStreamState {
        var subjects: [String] = []
        if let config = info.Config, let list = config.pointee.Subjects {
            for index in 0..<Int(config.pointee.SubjectsLen) {
                if let subject = list[index] { subjects.append(String(cString: subject)) }
            }
        }
        return JetStreamState(
            messages: info.State.Msgs, firstSequence: info.State.FirstSeq, lastSequence: info.State.LastSeq,
            subjects: subjects, replicas: Int(info.Config?.pointee.Replicas ?? 1),
            leader: info.Cluster?.pointee.Leader.map { String(cString: $0) })
    }
}
