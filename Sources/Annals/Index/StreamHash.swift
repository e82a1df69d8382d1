import AnnalsLog
/// The 64-bit hash that keys streams in `.sidx` files (docs/FORMAT.md §7 S1).
///
/// FNV-1a over the name's UTF-8 bytes, then the SplitMix64 finalizer to spread the low bits the
/// Bloom filter uses. It must never change: it is persisted. Collisions are expected and
/// harmless: every index hit is confirmed against the full stream name in the record.
struct StreamHash: Sendable {
    /// Recorded in each `.sidx` header; a file made with another function is rebuilt.
    let kind: UInt8
    private let function: @Sendable (String) -> UInt64

    /// The one production hash.
    static let standard = StreamHash(kind: 1) { name in mix(fnv1a(name)) }

    /// A test hook: any function, marked with a kind that no production file carries.
    static func custom(_ function: @escaping @Sendable (String) -> UInt64) -> StreamHash {
        StreamHash(kind: 0xFF, function: function)
    }

    private init(kind: UInt8, function: @escaping @Sendable (String) -> UInt64) {
        self.kind = kind
        self.function = function
    }

    func callAsFunction(_ name: String) -> UInt64 { function(name) }

    /// The hash of the name whose UTF-8 bytes are `bytes`, without making a `String` for the
    /// standard hash (the test hook's function takes one).
    func callAsFunction(utf8 bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard kind == Self.standard.kind else { return function(String(decoding: bytes, as: UTF8.self)) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Self.mix(hash)
    }

    static func fnv1a(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// SplitMix64's finalizer: a bijection that makes every output bit depend on every input bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
