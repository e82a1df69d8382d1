import AnnalsNATS
import Testing

@Suite struct SubjectTokenTests {
    /// Proves names that are already safe stay as they are, and every other byte becomes %XX.
    @Test(arguments: [
        ("order-17", "order-17"),
        ("snake_case-9", "snake_case-9"),
        ("a.b c", "a%2Eb%20c"),
        ("*", "%2A"),
        (">", "%3E"),
        ("100%", "100%25"),
        ("é", "%C3%A9"),
        ("tab\there", "tab%09here"),
    ])
    func encodesToOneSafeToken(name: String, token: String) {
        #expect(SubjectToken.encode(name) == token)
        #expect(SubjectToken.decode(token) == name)
    }

    /// Proves no token holds a character NATS gives a meaning (., *, >, whitespace), and that
    /// decoding inverts encoding, over every byte value and a few multi-byte characters.
    @Test func roundTripsEveryByteAndNeverEmitsSubjectSyntax() {
        var names = (1...127).map { String(UnicodeScalar(UInt8($0))) }
        names += ["ü/ä", "🙂 x.y", String(repeating: "a.", count: 512)]
        for name in names {
            let token = SubjectToken.encode(name)
            #expect(!token.isEmpty)
            #expect(!token.contains { ".*> \t\r\n".contains($0) }, "\(name) -> \(token)")
            #expect(SubjectToken.decode(token) == name)
        }
    }

    /// Proves decode refuses what encode never makes: bad escapes, escaped safe bytes, lower-case hex, bad UTF-8.
    @Test(arguments: ["%", "%4", "%zz", "%41", "%2e", "a.b", "a b", "%FF"])
    func decodeRefusesForeignTokens(token: String) {
        #expect(SubjectToken.decode(token) == nil)
    }
}
