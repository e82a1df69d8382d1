package import CoreMetrics
#if canImport(Glibc)
import Glibc
#endif

/// The storage core's metric handles (docs/OBSERVABILITY.md lists every name and label).
///
/// Made once when the log opens, never per call, and only when a metrics backend is there: with
/// none (the factory is swift-metrics' `NOOPMetricsHandler`) the log holds `nil` and every
/// recording site costs one branch, with no clock read. Counters that follow appends are
/// incremented once per commit group, not once per record.
final class LogMetrics: Sendable {
    /// fdatasync of the active segment, one per durable commit group.
    let fdatasync: CoreMetrics.Timer
    /// Requests (appends, syncs) committed together in one group.
    let commitGroupRequests: Recorder
    let recordsWritten: Counter
    let bytesWritten: Counter
    let blockCacheHits: Counter
    let blockCacheMisses: Counter
    let seals: Counter
    let sealDuration: CoreMetrics.Timer
    let recoveryTailBytesScanned: Gauge
    let recoveryTailTruncated: Counter
    let recoveryRecordsDropped: Counter
    let recoveryIndexesRebuilt: Counter
    let recoveryFilesRemoved: Counter

    /// The handles for `options`, or nil when no backend would receive them.
    static func make(_ options: LogOptions) -> LogMetrics? {
        guard let factory = options.resolvedMetricsFactory else { return nil }
        return LogMetrics(factory: factory, dimensions: options.metricsDimensions)
    }

    private init(factory: any MetricsFactory, dimensions: [(String, String)]) {
        func counter(_ label: String, _ extra: [(String, String)] = []) -> Counter {
            Counter(label: label, dimensions: extra + dimensions, factory: factory)
        }
        func timer(_ label: String) -> CoreMetrics.Timer {
            CoreMetrics.Timer(label: label, dimensions: dimensions, preferredDisplayUnit: .microseconds, factory: factory)
        }
        fdatasync = timer("annals_fdatasync_duration")
        commitGroupRequests = Recorder(label: "annals_commit_group_requests", dimensions: dimensions, aggregate: true, factory: factory)
        recordsWritten = counter("annals_log_records_written_total")
        bytesWritten = counter("annals_log_bytes_written_total")
        blockCacheHits = counter("annals_block_cache_hits_total")
        blockCacheMisses = counter("annals_block_cache_misses_total")
        seals = counter("annals_seals_total")
        sealDuration = timer("annals_seal_duration")
        recoveryTailBytesScanned = Gauge(label: "annals_recovery_tail_bytes_scanned", dimensions: dimensions, factory: factory)
        recoveryTailTruncated = counter("annals_recovery_actions_total", [("action", "tail_truncated")])
        recoveryRecordsDropped = counter("annals_recovery_actions_total", [("action", "records_dropped")])
        recoveryIndexesRebuilt = counter("annals_recovery_actions_total", [("action", "index_rebuilt")])
        recoveryFilesRemoved = counter("annals_recovery_actions_total", [("action", "file_removed")])
    }

    /// One commit group: its request count, and the records and padded bytes it wrote.
    func noteGroup(requests: Int, records: Int, bytes: Int) {
        commitGroupRequests.record(requests)
        if records > 0 {
            recordsWritten.increment(by: records)
            bytesWritten.increment(by: bytes)
        }
    }

    func noteSync(nanoseconds: UInt64) { fdatasync.recordNanoseconds(nanoseconds) }

    func noteCacheLookup(hit: Bool) { (hit ? blockCacheHits : blockCacheMisses).increment() }

    func noteSeal(nanoseconds: UInt64) {
        sealDuration.recordNanoseconds(nanoseconds)
        seals.increment()
    }

    /// What recovery did on open: each kind of repair counts as one action per item.
    func noteRecovery(_ report: RecoveryReport) {
        recoveryTailBytesScanned.record(Int64(clamping: report.bytesScanned))
        if report.bytesDropped > 0 { recoveryTailTruncated.increment() }
        if report.recordsDropped > 0 { recoveryRecordsDropped.increment(by: report.recordsDropped) }
        if !report.indexesRebuilt.isEmpty { recoveryIndexesRebuilt.increment(by: report.indexesRebuilt.count) }
        if !report.filesRemoved.isEmpty { recoveryFilesRemoved.increment(by: report.filesRemoved.count) }
    }
}

extension LogOptions {
    /// The factory metrics go to, or nil when that is swift-metrics' no-op handler (nothing
    /// bootstrapped and none given): then no handle is made and nothing is recorded.
    package var resolvedMetricsFactory: (any MetricsFactory)? {
        let factory = metricsFactory ?? MetricsSystem.factory
        return factory is NOOPMetricsHandler ? nil : factory
    }
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC), for durations only.
package func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
