/// The `HEAD` file (FORMAT.md §9): two 64-byte `DurableHead` slots. The writer writes each new
/// publication into the slot the current one is not in, so a reader that catches a write
/// half done still finds the other slot whole; the valid slot with the higher sequence wins.
///
/// The file is never synced: it is a message between live processes, not a record. After a
/// power loss it may be stale (it is only ever written after what it names was synced, so a
/// stale head names less, never more) or gone; the next writer's open publishes a fresh one.
enum HeadFile {
    static let bytes = Format.headSlotBytes * Format.headSlots

    /// The current publication in `file`, or nil when neither slot is valid.
    static func read(_ file: any StorageFile) -> DurableHead? {
        // A slot can be torn by a concurrent write twice in a row only if the writer publishes
        // twice during one read; a few retries make that vanishingly rare.
        for _ in 0..<8 {
            var buffer = [UInt8](repeating: 0, count: bytes)
            guard let count = try? buffer.withMutableBytes({ (raw) throws(LogError) in try file.readFully(at: 0, into: raw) }),
                  count == bytes
            else { return nil }
            let heads = buffer.withUnsafeBytes { raw in
                (0..<Format.headSlots).compactMap { slot in
                    DurableHead.decode(UnsafeRawBufferPointer(rebasing: raw[(slot * Format.headSlotBytes)..<((slot + 1) * Format.headSlotBytes)]))
                }
            }
            if let best = heads.max(by: { $0.sequence < $1.sequence }) { return best }
        }
        return nil
    }

    /// Reads the head at `path`; nil when the file is missing or holds no valid slot.
    static func read(_ fileSystem: any StorageFileSystem, path: String) -> DurableHead? {
        guard fileSystem.exists(path), let file = try? fileSystem.open(path, writable: false) else { return nil }
        defer { file.close() }
        return read(file)
    }
}
