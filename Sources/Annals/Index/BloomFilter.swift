import AnnalsLog
/// A Bloom filter over 64-bit key hashes (docs/FORMAT.md §7 S1): `words` 64-bit words,
/// `hashCount` probes derived by double hashing. It answers "maybe present" or "surely absent".
struct BloomFilter {
    /// Bits per key: with 7 probes this gives about 1% false positives.
    static let bitsPerKey = 10
    static let hashCount = 7

    private(set) var words: [UInt64]

    /// A filter sized for `keys` keys (at least one word).
    init(keys: Int) {
        let bits = max(64, keys * Self.bitsPerKey)
        words = Array(repeating: 0, count: (bits + 63) / 64)
    }

    mutating func insert(_ hash: UInt64) {
        let bitCount = UInt64(words.count * 64)
        let step = Self.step(hash)
        for index in 0..<UInt64(Self.hashCount) {
            let bit = (hash &+ index &* step) % bitCount
            words[Int(bit / 64)] |= 1 << (bit % 64)
        }
    }

    /// True if `hash` may be in a filter of `wordCount` little-endian words at `offset` of `bytes`.
    static func mayContain(_ hash: UInt64, in bytes: UnsafeRawBufferPointer, offset: Int, wordCount: Int, hashCount: Int) -> Bool {
        guard wordCount > 0 else { return false }
        let bitCount = UInt64(wordCount * 64)
        let step = step(hash)
        for index in 0..<UInt64(hashCount) {
            let bit = (hash &+ index &* step) % bitCount
            let word: UInt64 = bytes.readLE(at: offset + Int(bit / 64) * 8)
            if word & (1 << (bit % 64)) == 0 { return false }
        }
        return true
    }

    /// Probe i is `hash + i * step` modulo the bit count; the step is odd so probes differ.
    private static func step(_ hash: UInt64) -> UInt64 {
        StreamHash.mix(hash ^ 0x9E37_79B9_7F4A_7C15) | 1
    }
}
