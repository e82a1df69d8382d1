extension JSONCursor {
    /// Validates the string literal at the cursor and moves past it: rejects raw control
    /// characters, unknown escapes, lone surrogates and invalid UTF-8 (overlong forms,
    /// surrogates, beyond U+10FFFF), as `String(validating:)` would.
    ///
    /// Plain ASCII runs go eight bytes at a time: a word is only looked at byte by byte when it
    /// may hold a quote, a backslash, a control character or a non-ASCII byte.
    mutating func scanString() throws(JSONError) -> JSONString {
        guard current == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        let start = index
        var hasEscapes = false
        while true {
            while count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let flags = Self.attentionFlags(word)
                if flags != 0 {
                    index += flags.trailingZeroBitCount >> 3  // the first flagged byte is exact
                    break
                }
                index += 8
            }
            guard index < count else { throw error("unterminated string") }
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                let contents = start..<index
                index += 1
                return JSONString(contents: contents, hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
            } else if byte < 0x20 {
                throw error("control character in string")
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    /// The high bit of each byte of `word` (little-endian: byte 0 lowest) that may be a quote,
    /// a backslash, below 0x20 or above 0x7F. A borrow in the subtractions can flag a harmless
    /// byte above a flagged one, never below it, so the lowest flag is exact; and no such byte
    /// goes unflagged.
    @inline(__always) static func attentionFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let zeroQuote = (quotes &- ones) & ~quotes
        let zeroBackslash = (backslashes &- ones) & ~backslashes
        let control = word &- (ones &* 0x20)  // a byte below 0x20 borrows into its high bit
        return (zeroQuote | zeroBackslash | control | word) & highs
    }

    private mutating func skipEscape() throws(JSONError) {
        index += 1  // the backslash
        guard index < count else { throw error("unterminated escape") }
        let kind = base[index]
        index += 1
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800...0xDBFF).contains(high) {
                guard current == UInt8(ascii: "\\") else { throw error("lone surrogate") }
                index += 1
                guard current == UInt8(ascii: "u") else { throw error("lone surrogate") }
                index += 1
                guard (0xDC00...0xDFFF).contains(try hex4()) else { throw error("lone surrogate") }
            } else if (0xDC00...0xDFFF).contains(high) {
                throw error("lone surrogate")
            }
        default:
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard !atEnd, let digit = Self.hexValue(base[index]) else { throw error("invalid \\u escape") }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Checks one multi-byte UTF-8 sequence at the cursor (Unicode Table 3-7) and moves past it.
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let lead = base[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8 in string")
        }
        guard count - index >= length else { throw error("invalid UTF-8 in string") }
        let second = base[index + 1]
        guard second >= low && second <= high else { throw error("invalid UTF-8 in string") }
        for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 {
            throw error("invalid UTF-8 in string")
        }
        index += length
    }
}
