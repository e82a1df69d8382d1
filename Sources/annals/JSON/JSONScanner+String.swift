extension JSONScanner {
    /// Scans a string literal and returns its decoded value. Rejects raw control characters,
    /// unknown escapes, lone surrogates and invalid UTF-8.
    mutating func string() throws(JSONError) -> String {
        guard peekByte == UInt8(ascii: "\"") else { throw failure("expected a string") }
        advance()
        var decoded = ""
        var runStart = position  // start of the bytes since the last escape, copied as UTF-8
        while true {
            guard let byte = peekByte else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                decoded += try utf8(runStart..<position)
                advance()
                return decoded
            }
            if byte < 0x20 { throw failure("control character in string") }
            if byte == UInt8(ascii: "\\") {
                decoded += try utf8(runStart..<position)
                advance()
                decoded.unicodeScalars.append(try escape())
                runStart = position
                continue
            }
            advance()
        }
    }

    private mutating func escape() throws(JSONError) -> Unicode.Scalar {
        guard let byte = peekByte else { throw failure("unterminated escape") }
        advance()
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800...0xDBFF).contains(high) {
                guard peekByte == UInt8(ascii: "\\") else { throw failure("lone surrogate") }
                advance()
                guard peekByte == UInt8(ascii: "u") else { throw failure("lone surrogate") }
                advance()
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone surrogate") }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw failure("invalid escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw failure("lone surrogate") }
            return scalar
        default:
            throw failure("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peekByte, let digit = UInt8(exactly: byte).flatMap({ Self.hexValue($0) }) else {
                throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            advance()
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
