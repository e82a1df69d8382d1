/// The encoding that makes any stream name (1...1024 bytes of UTF-8) one NATS subject token
/// (docs/SCALEOUT.md, "Subjects").
///
/// NATS subjects split on `.`, reserve `*` and `>` as wildcards, and break on whitespace, so
/// a stream name cannot be used as is. The encoding is percent-encoding over UTF-8 bytes with a
/// small safe set: the bytes `A`–`Z`, `a`–`z`, `0`–`9`, `-` and `_` stand for themselves, and
/// every other byte (`%` included) becomes `%` followed by two upper-case hex digits. So
/// `order-17` stays `order-17`, `a.b c` becomes `a%2Eb%20c`, and `é` becomes `%C3%A9`.
/// The encoding is injective, and `decode(encode(s)) == s` for every string.
public enum SubjectToken {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// True for the bytes that stand for themselves.
    static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// The token for `text`: never empty for a non-empty text, never holding `.`, `*`, `>` or whitespace.
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isSafe(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text a token encodes, or nil if it is not a token this encoding makes (a bad escape,
    /// a byte outside the safe set, lower-case hex, or bytes that are not UTF-8).
    public static func decode(_ token: String) -> String? {
        var out: [UInt8] = []
        let bytes = Array(token.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isSafe(byte) {
                out.append(byte)
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                  let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
            let decoded = high << 4 | low
            guard !isSafe(decoded) else { return nil }  // a safe byte is never escaped: one text, one token
            out.append(decoded)
            index += 3
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
