public import Logging
public import CoreMetrics

/// When an append is acknowledged, and so what a crash can lose (docs/DURABILITY.md).
public enum Durability: Sendable, Equatable, CustomStringConvertible {
    /// Acknowledge only after fdatasync returned for the records (and the directory fsync for
    /// any new file). A crash, kill -9 or power loss, loses nothing acknowledged. The default.
    case always
    /// Acknowledge after the write reaches the OS; sync every `milliseconds`. kill -9 loses
    /// nothing acknowledged; power loss can lose up to the last interval.
    case interval(milliseconds: Int)
    /// Acknowledge after the write reaches the OS; sync only when a segment fills and on close.
    /// kill -9 loses nothing acknowledged; power loss can lose everything in the active segment.
    case none

    /// The policy as written in Swift, such as `interval(5 ms)`.
    public var description: String {
        switch self {
        case .always: "always"
        case .interval(let milliseconds): "interval(\(milliseconds) ms)"
        case .none: "none"
        }
    }
}

/// When full segments are sealed into compressed `.sealed` files (FORMAT.md §6).
public enum SealingMode: Sendable, Equatable {
    /// Each segment is sealed on a background queue soon after it fills (and any full raw
    /// segment found on open is sealed then). Appends never wait for it.
    case background
    /// Only `Log.sealFullSegments(progress:)` seals (the `annals seal` command). The default
    /// for now: the seeded power-loss and fault suites replay file-system steps exactly, which
    /// a background thread touching files would make nondeterministic.
    case manual
}

/// How a log is opened.
public struct LogOptions: Sendable {
    /// When an append is acknowledged (default `.always`).
    public var durability: Durability
    /// A segment rolls when the next batch would take it past this many bytes. Applies to
    /// segments created from now on; an existing active segment keeps the size it was made with.
    public var segmentBytes: Int
    /// Diagnostics (recovery, rebuilt indexes). Libraries accept a logger; they never make one.
    public var logger: Logger
    /// Where the files go through. Tests pass a fault-injecting one.
    public var fileSystem: any StorageFileSystem
    /// Source of "now" for record timestamps, in nanoseconds since 1970.
    public var clock: @Sendable () -> Int64
    /// When full segments are sealed.
    public var sealing: SealingMode
    /// Raw bytes per compressed block of a sealed segment: larger compresses better, smaller
    /// makes a cold point read decompress less.
    public var blockBytes: Int
    /// The bound, in decoded bytes, of the cache of decompressed sealed blocks.
    public var blockCacheBytes: Int
    /// 0 seals with plain LZ4; 1...12 with LZ4HC at that level (slower, smaller).
    public var sealCompressionLevel: Int
    /// Where the log's and the store's metrics go (docs/OBSERVABILITY.md); nil means the
    /// factory bootstrapped in `MetricsSystem` when the store opens. With neither, nothing is
    /// recorded and the hot paths skip even the clock reads. Handles are made once, at open:
    /// bootstrap metrics before opening the store. A store opened before
    /// `MetricsSystem.bootstrap` records nothing, even after it, until it is reopened.
    public var metricsFactory: (any MetricsFactory)?
    /// Dimensions added to every metric of this store, after the metric's own, for example
    /// `[("store", "orders")]` when a process opens several stores.
    public var metricsDimensions: [(String, String)] = []

    /// Options with these settings; each defaults to its documented default.
    public init(
        durability: Durability = .always,
        segmentBytes: Int = LogOptions.segmentBytesDefault,
        logger: Logger = Logger(label: "annals.log", factory: { _ in SwiftLogNoOpLogHandler() }),
        fileSystem: any StorageFileSystem = PosixFileSystem(),
        clock: @escaping @Sendable () -> Int64 = LogOptions.systemClock,
        sealing: SealingMode = .manual,
        blockBytes: Int = LogOptions.blockBytesDefault,
        blockCacheBytes: Int = LogOptions.blockCacheBytesDefault,
        sealCompressionLevel: Int = LogOptions.sealCompressionLevelDefault
    ) {
        self.durability = durability
        self.segmentBytes = segmentBytes
        self.logger = logger
        self.fileSystem = fileSystem
        self.clock = clock
        self.sealing = sealing
        self.blockBytes = blockBytes
        self.blockCacheBytes = blockCacheBytes
        self.sealCompressionLevel = sealCompressionLevel
    }

    /// The smallest, largest and default segment sizes, in bytes.
    public static let segmentBytesMin = Format.segmentBytesMin
    /// The largest segment size: 1 GiB.
    public static let segmentBytesMax = Format.segmentBytesMax
    /// The default segment size: 64 MiB.
    public static let segmentBytesDefault = Format.segmentBytesDefault
    /// The largest record, header included.
    public static let recordBytesMax = Format.recordBytesMax
    /// The default uncompressed size of a sealed block: 256 KiB.
    public static let blockBytesDefault = Format.sealedBlockBytesDefault
    /// The default size of the decompressed-block cache: 64 MiB.
    public static let blockCacheBytesDefault = 64 * 1024 * 1024
    /// The default LZ4 level for sealing.
    public static let sealCompressionLevelDefault = Format.sealedCompressionLevelDefault

    /// The wall clock, in nanoseconds since 1970-01-01 UTC.
    public static let systemClock: @Sendable () -> Int64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    func validate() throws(LogError) {
        guard segmentBytes >= Format.segmentBytesMin, segmentBytes <= Format.segmentBytesMax else {
            throw .invalid("segment size must be \(Format.segmentBytesMin)...\(Format.segmentBytesMax) bytes, got \(segmentBytes)")
        }
        guard blockBytes >= Format.sealedBlockBytesMin, blockBytes <= Format.sealedBlockBytesMax else {
            throw .invalid("block size must be \(Format.sealedBlockBytesMin)...\(Format.sealedBlockBytesMax) bytes, got \(blockBytes)")
        }
        guard blockCacheBytes >= 0 else { throw .invalid("the block cache bound must not be negative, got \(blockCacheBytes)") }
        guard (0...Format.sealedCompressionLevelMax).contains(sealCompressionLevel) else {
            throw .invalid("the seal compression level must be 0...\(Format.sealedCompressionLevelMax), got \(sealCompressionLevel)")
        }
        if case .interval(let milliseconds) = durability, milliseconds <= 0 {
            throw .invalid("the sync interval must be positive, got \(milliseconds) ms")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
