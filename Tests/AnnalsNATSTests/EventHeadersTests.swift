@testable import AnnalsNATS
import Annals
import AnnalsLog
import AnnalsTestSupport
import CNATS
import Foundation
import Testing

@Suite struct EventHeadersTests {
    /// Proves an event survives the trip into a NATS message and back field for field: data as
    /// the payload, metadata (including non-UTF-8 bytes) in base64, names with subject syntax encoded.
    @Test func messageRoundTripsEveryField() throws {
        let id = UUID()
        let event = try recorded(stream: "a.b c/é", type: "order.placed v2", data: Array("{\"x\":1}".utf8), metadata: [0, 255, 10, 13],
                                 tags: ["course:c1", "a.b c", "é%", "x"])
        var recordedEvent = event
        recordedEvent.id = id
        let message = try EventHeaders.message(for: recordedEvent, prefix: "annals.S", expectedLastSequence: 41)
        defer { natsMsg_Destroy(message) }
        #expect(String(cString: natsMsg_GetSubject(message)) == "annals.S.a%2Eb%20c%2F%C3%A9")
        #expect(EventHeaders.header(message, "Nats-Msg-Id") == id.uuidString.lowercased())
        #expect(EventHeaders.header(message, "Nats-Expected-Last-Sequence") == "41")
        let decoded = try EventHeaders.event(from: message, sequence: 42)
        #expect(decoded.sequence == 42)
        #expect(decoded.position == recordedEvent.position)
        #expect(decoded.stream == recordedEvent.stream)
        #expect(decoded.version == recordedEvent.version)
        #expect(decoded.id == id)
        #expect(decoded.type == recordedEvent.type)
        #expect(decoded.timestampNanoseconds == recordedEvent.timestampNanoseconds)
        #expect(decoded.data == recordedEvent.data)
        #expect(decoded.metadata == recordedEvent.metadata)
        #expect(decoded.tags == ["course:c1", "a.b c", "é%", "x"])
        #expect(EventHeaders.header(message, "Annals-Tags") == "course%3Ac1.a%2Eb%20c.%C3%A9%25.x")
        natsMsgHeader_Set(message, "Annals-Tags", "a..b")
        #expect(throws: ReplicationError.invalidMessage(sequence: 42, reason: "Annals-Tags holds a token that is not an encoded tag")) {
            try EventHeaders.event(from: message, sequence: 42)
        }
    }

    /// Proves a deletion survives the trip into a NATS message and back: on its stream's
    /// subject, no payload, `Nats-Msg-Id` `deletion-<id>`, every field in a header.
    @Test(arguments: [StreamDeletion.Kind.soft, .hard])
    func deletionMessageRoundTrips(kind: StreamDeletion.Kind) throws {
        let deletion = StreamDeletion(position: LogPosition(77), stream: "a.b c/é", kind: kind, truncateBefore: 12,
                                      timestampNanoseconds: 1_764_000_000_123_456_789, id: UUID())
        let message = try EventHeaders.message(for: .deletion(deletion), prefix: "annals.S", expectedLastSequence: 76)
        defer { natsMsg_Destroy(message) }
        #expect(String(cString: natsMsg_GetSubject(message)) == "annals.S.a%2Eb%20c%2F%C3%A9")
        #expect(natsMsg_GetDataLength(message) == 0)
        #expect(EventHeaders.header(message, "Nats-Msg-Id") == "deletion-" + deletion.id.uuidString.lowercased())
        #expect(EventHeaders.header(message, "Annals-Control") == (kind == .soft ? "soft-delete" : "tombstone"))
        #expect(EventHeaders.header(message, "Nats-Expected-Last-Sequence") == "76")
        #expect(try EventHeaders.change(from: message, sequence: 77) == .deletion(deletion, sequence: 77))
    }

    /// Proves a deletion message with an unknown control value or a message id that is not
    /// `deletion-<UUID>` is refused with the sequence and the reason.
    @Test func malformedDeletionMessagesAreRefused() throws {
        let deletion = StreamDeletion(position: LogPosition(5), stream: "s", kind: .soft, truncateBefore: 1, timestampNanoseconds: 1, id: UUID())
        for (key, value, reason) in [("Annals-Control", "purge", "Annals-Control purge is neither soft-delete nor tombstone"),
                                     ("Nats-Msg-Id", deletion.id.uuidString, "Nats-Msg-Id of a deletion is not deletion-<UUID>")] {
            let message = try EventHeaders.message(for: .deletion(deletion), prefix: "annals.S", expectedLastSequence: 4)
            defer { natsMsg_Destroy(message) }
            #expect(natsMsgHeader_Set(message, key, value) == NATS_OK)
            #expect(throws: ReplicationError.invalidMessage(sequence: 5, reason: reason)) { try EventHeaders.change(from: message, sequence: 5) }
        }
    }

    /// Proves a message without Annals headers is refused with the sequence and the missing header named.
    @Test func messageWithoutHeadersIsRefused() throws {
        var message: OpaquePointer?
        NATSLibrary.open()
        #expect(natsMsg_Create(&message, "annals.S.x", nil, "hi", 2) == NATS_OK)
        defer { natsMsg_Destroy(message) }
        #expect(throws: ReplicationError.invalidMessage(sequence: 7, reason: "no Nats-Msg-Id header")) {
            try EventHeaders.event(from: message!, sequence: 7)
        }
    }

    /// A recorded event made the only public way: appended to a scratch store and read back.
    private func recorded(stream: StreamName, type: String, data: [UInt8], metadata: [UInt8], tags: [String] = []) throws -> RecordedEvent {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let semaphore = DispatchSemaphore(value: 0)
        let result = Guarded<Result<RecordedEvent, any Error>?>(nil)
        Task {
            do {
                let store = try await EventStore.open(directory: dir.path)
                try await store.append(to: "other", [EventData(type: "T", data: [1])])
                try await store.append(to: stream, [EventData(type: type, data: data, metadata: metadata, tags: tags)])
                let event = try await store.readAll(fromPosition: .first).last!
                try await store.close()
                result.withLock { $0 = .success(event) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            semaphore.signal()
        }
        semaphore.wait()
        return try result.withLock { $0! }.get()
    }
}
