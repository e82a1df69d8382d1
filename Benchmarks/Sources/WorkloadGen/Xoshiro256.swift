/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64: a small, fast generator whose
/// output depends only on the seed, so a workload is the same on every machine and every run.
/// The standard library's `random(in:using:)` and `randomElement(using:)` draw from it.
struct Xoshiro256: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
        // SplitMix64 never yields four zeros in a row, the one state xoshiro cannot leave.
        precondition(state != (0, 0, 0, 0), "xoshiro256 needs a nonzero state")
    }

    mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    /// True with probability `probability`, like Python's `random() < probability`.
    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// A random version-4 UUID in its lowercase 8-4-4-4-12 text form.
    mutating func uuidText() -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            var word = next()
            for _ in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: word)); word >>= 8 }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        var text = ""
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text += "-" }
            text += Hex.byte(byte, uppercase: false)
        }
        return text
    }
}

/// Hexadecimal digits without Foundation's formatters.
enum Hex {
    private static let lower = Array("0123456789abcdef")
    private static let upper = Array("0123456789ABCDEF")

    static func byte(_ byte: UInt8, uppercase: Bool) -> String {
        let digits = uppercase ? upper : lower
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// `value` as exactly `width` uppercase digits (leading zeros kept), like Python's `:012X`.
    static func fixedUpper(_ value: UInt64, width: Int) -> String {
        precondition(width <= 16, "a UInt64 has 16 hex digits")
        var text = ""
        for shift in stride(from: (width - 1) * 4, through: 0, by: -4) {
            text.append(upper[Int((value >> UInt64(shift)) & 0x0F)])
        }
        return text
    }
}
