import Synchronization

/// Process-unique numbers for opened segments (raw or sealed), so the shared block cache can
/// key entries by segment without two segments ever sharing a key.
enum SegmentInstanceID {
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }
}
