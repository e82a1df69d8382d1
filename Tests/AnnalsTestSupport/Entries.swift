public import AnnalsLog

/// Builds test entries whose payload encodes their index, so reads can be checked exactly.
public enum Entries {
    public static func make(_ count: Int, stream: String = "order-1", payloadBytes: Int = 100, tag: Int = 0) -> [LogEntry] {
        (0..<count).map { index in
            let text = "{\"tag\":\(tag),\"i\":\(index)}"
            var payload = Array(text.utf8)
            if payload.count < payloadBytes { payload += Array(repeating: UInt8(ascii: " "), count: payloadBytes - payload.count) }
            return LogEntry(stream: stream, eventType: "Tested", streamVersion: UInt64(index),
                            eventID: EventID(high: UInt64(tag), low: UInt64(index)),
                            metadata: Array("{\"m\":1}".utf8), payload: payload)
        }
    }
}
