/// A least-recently-used cache of decoded sealed blocks, shared by every sealed segment of a
/// log and bounded by the decoded bytes it holds (`LogOptions.blockCacheBytes`). Thread-safe:
/// one mutex guards the table and the recency list. A block larger than the whole bound is
/// never cached. Evicting a block only drops the cache's reference; a reader still using it
/// keeps it alive.
final class BlockCache: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        /// `SealedSegment.instanceID`: unique per opened sealed file in this process.
        var segment: UInt64
        var block: Int
    }

    /// A node of the recency list, most recent at `head`.
    private final class Node {
        let key: Key
        let block: DecodedBlock
        var newer: Node?
        // `unowned(unsafe)`: the table holds every node strongly until `unlink` has taken it
        // out of the list, so `older` never outlives its target. (A `weak` link cost a side
        // table and atomic traffic on every cache hit.)
        unowned(unsafe) var older: Node?

        init(key: Key, block: DecodedBlock) {
            self.key = key
            self.block = block
        }
    }

    let capacityBytes: Int
    /// Counts hits and misses of `block(for:)`; nil when no metrics backend is there.
    private let metrics: LogMetrics?
    private let mutex = PosixMutex()
    private var table: [Key: Node] = [:]
    private var head: Node?  // most recently used
    private var tail: Node?  // least recently used
    private var heldBytes = 0

    init(capacityBytes: Int, metrics: LogMetrics? = nil) {
        precondition(capacityBytes >= 0, "cache bound must not be negative")
        self.capacityBytes = capacityBytes
        self.metrics = metrics
    }

    /// Decoded bytes held now; never more than `capacityBytes`.
    var bytes: Int { mutex.withLock { heldBytes } }
    var count: Int { mutex.withLock { table.count } }

    /// The cached block for `key`, marked most recently used.
    func block(for key: Key) -> DecodedBlock? {
        let found: DecodedBlock? = mutex.withLock {
            guard let node = table[key] else { return nil }
            unlink(node)
            pushFront(node)
            return node.block
        }
        metrics?.noteCacheLookup(hit: found != nil)
        return found
    }

    /// Caches `block`, evicting least recently used blocks until it fits.
    func insert(_ block: DecodedBlock, for key: Key) {
        guard block.byteCount <= capacityBytes else { return }
        mutex.withLock {
            if let existing = table.removeValue(forKey: key) {
                unlink(existing)
                heldBytes -= existing.block.byteCount
            }
            while heldBytes + block.byteCount > capacityBytes, let victim = tail {
                unlink(victim)
                table.removeValue(forKey: victim.key)
                heldBytes -= victim.block.byteCount
            }
            let node = Node(key: key, block: block)
            table[key] = node
            pushFront(node)
            heldBytes += block.byteCount
            precondition(heldBytes <= capacityBytes, "cache exceeded its bound")
        }
    }

    private func unlink(_ node: Node) {
        if let older = node.older { older.newer = node.newer } else { tail = node.newer }
        if let newer = node.newer { newer.older = node.older } else { head = node.older }
        node.newer = nil
        node.older = nil
    }

    private func pushFront(_ node: Node) {
        node.older = head
        head?.newer = node
        head = node
        if tail == nil { tail = node }
    }
}
