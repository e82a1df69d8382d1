/// A growable byte buffer that group commits encode into, reused from group to group so a
/// steady workload allocates nothing per append.
final class WriteBuffer {
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(capacity: Int = 1 << 20) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// Hands `body` the next `length` bytes to fill, then counts them as used.
    func append<T>(_ length: Int, _ body: (UnsafeMutableRawBufferPointer) -> T) -> T {
        precondition(length >= 0, "negative append")
        if count + length > storage.count {
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(storage.count * 2, count + length), alignment: 16)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<count]))
            storage.deallocate()
            storage = grown
        }
        let result = body(UnsafeMutableRawBufferPointer(rebasing: storage[count..<(count + length)]))
        count += length
        return result
    }

    /// Empties the buffer; shrinks it back if one huge group grew it past `keepBytes`.
    func reset(keepBytes: Int = 8 << 20) {
        count = 0
        if storage.count > keepBytes {
            storage.deallocate()
            storage = .allocate(byteCount: 1 << 20, alignment: 16)
        }
    }
}
