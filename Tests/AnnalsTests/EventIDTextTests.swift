import Foundation
import Testing
@testable import Annals
import AnnalsLog

/// The id's text form and UUID conversions agree with Foundation's `UUID`, byte for byte.
@Suite(.timeLimit(.minutes(10)))
struct EventIDTextTests {
    /// Proves text, bytes and `UUID` conversions round-trip for many random ids.
    @Test func conversionsAgreeWithFoundation() {
        for _ in 0..<1000 {
            let uuid = UUID()
            let id = uuid.eventID
            #expect(id.description == uuid.uuidString.lowercased())
            #expect(EventID(uuidString: uuid.uuidString) == id)
            #expect(EventID(uuidString: uuid.uuidString.lowercased()) == id)
            #expect(UUID(id) == uuid)
            #expect(EventID(bytes: id.bytes) == id)
            #expect(withUnsafeBytes(of: uuid.uuid) { Array($0) } == id.bytes)
        }
    }

    /// Proves malformed text is refused rather than misread.
    @Test(arguments: ["", "0123", "00000000-0000-0000-0000-00000000000", "00000000-0000-0000-0000-0000000000000",
                      "00000000_0000-0000-0000-000000000000", "g0000000-0000-0000-0000-000000000000",
                      "000000000000-0000-0000-0000-00000000"])
    func malformedTextIsRefused(text: String) {
        #expect(EventID(uuidString: text) == nil)
    }
}
