import AnnalsLog
import CoreMetrics

/// The stream layer's metric handles (docs/OBSERVABILITY.md lists every name and label).
///
/// Made once when the store opens, and only when a metrics backend is there
/// (`LogOptions.metricsFactory`, or the bootstrapped one): with none the store holds `nil`, and
/// an append or a read costs one branch more than before, with no clock read.
final class StoreMetrics: Sendable {
    /// What a public read was, as the `kind` dimension of the read metrics.
    enum ReadKind: Int, CaseIterable {
        case stream, all, filter, time, query

        var label: String {
            switch self {
            case .stream: "stream"
            case .all: "all"
            case .filter: "filter"
            case .time: "time"
            case .query: "query"
            }
        }
    }

    /// What a deletion was, as the `kind` dimension of the delete metrics.
    enum DeleteKind: Int, CaseIterable {
        case soft, hard

        var label: String {
            switch self {
            case .soft: "soft"
            case .hard: "hard"
            }
        }
    }

    let factory: any MetricsFactory
    let dimensions: [(String, String)]
    let appendsWritten: Counter
    let appendsReplayed: Counter
    let appendsFailed: Counter
    let appendDuration: CoreMetrics.Timer
    let eventsAppended: Counter
    /// By `DeleteKind.rawValue`: written, then failed.
    let deletesWritten: [Counter]
    let deletesFailed: [Counter]
    let deleteDurations: [CoreMetrics.Timer]
    /// By `ReadKind.rawValue`.
    let reads: [Counter]
    let readDurations: [CoreMetrics.Timer]
    let subscriptionLag: Recorder
    let streamIndexesRebuilt: Counter
    let headsRebuilt: Counter

    static func make(_ options: LogOptions) -> StoreMetrics? {
        guard let factory = options.resolvedMetricsFactory else { return nil }
        return StoreMetrics(factory: factory, dimensions: options.metricsDimensions)
    }

    private init(factory: any MetricsFactory, dimensions: [(String, String)]) {
        self.factory = factory
        self.dimensions = dimensions
        func counter(_ label: String, _ extra: [(String, String)] = []) -> Counter {
            Counter(label: label, dimensions: extra + dimensions, factory: factory)
        }
        func timer(_ label: String, _ extra: [(String, String)] = []) -> CoreMetrics.Timer {
            CoreMetrics.Timer(label: label, dimensions: extra + dimensions, preferredDisplayUnit: .microseconds, factory: factory)
        }
        appendsWritten = counter("annals_appends_total", [("result", "written")])
        appendsReplayed = counter("annals_appends_total", [("result", "replayed")])
        appendsFailed = counter("annals_appends_total", [("result", "failed")])
        appendDuration = timer("annals_append_duration")
        eventsAppended = counter("annals_events_appended_total")
        deletesWritten = DeleteKind.allCases.map { counter("annals_deletes_total", [("kind", $0.label), ("result", "written")]) }
        deletesFailed = DeleteKind.allCases.map { counter("annals_deletes_total", [("kind", $0.label), ("result", "failed")]) }
        deleteDurations = DeleteKind.allCases.map { timer("annals_delete_duration", [("kind", $0.label)]) }
        reads = ReadKind.allCases.map { counter("annals_reads_total", [("kind", $0.label)]) }
        readDurations = ReadKind.allCases.map { timer("annals_read_duration", [("kind", $0.label)]) }
        subscriptionLag = Recorder(label: "annals_subscription_lag_positions", dimensions: dimensions, aggregate: true, factory: factory)
        streamIndexesRebuilt = counter("annals_recovery_actions_total", [("action", "stream_index_rebuilt")])
        headsRebuilt = counter("annals_recovery_actions_total", [("action", "heads_rebuilt")])
    }

    /// One append call, from the caller's side: how it ended and how long it took.
    func noteAppend(_ result: Result<MultiAppendResult, EventStoreError>, nanoseconds: UInt64) {
        appendDuration.recordNanoseconds(nanoseconds)
        switch result {
        case .success(let appended) where appended.isReplay:
            appendsReplayed.increment()
        case .success(let appended):
            appendsWritten.increment()
            eventsAppended.increment(by: appended.events.count)
        case .failure:
            appendsFailed.increment()
        }
    }

    /// One deletion (soft delete, tombstone, or a copy of either): how it ended and how long it took.
    func noteDelete(_ kind: DeleteKind, failed: Bool, nanoseconds: UInt64) {
        deleteDurations[kind.rawValue].recordNanoseconds(nanoseconds)
        (failed ? deletesFailed : deletesWritten)[kind.rawValue].increment()
    }

    func noteRead(_ kind: ReadKind, nanoseconds: UInt64) {
        reads[kind.rawValue].increment()
        readDurations[kind.rawValue].recordNanoseconds(nanoseconds)
    }

    /// Positions committed that a subscription has not read past, after one of its reads.
    func noteSubscriptionLag(_ positions: UInt64) { subscriptionLag.record(positions) }

    /// The stream layer's repairs on open (the log notes its own).
    func noteOpen(_ report: EventStoreOpenReport) {
        if !report.indexesRebuilt.isEmpty { streamIndexesRebuilt.increment(by: report.indexesRebuilt.count) }
        if report.headsRebuilt { headsRebuilt.increment() }
    }

    /// The handles of one projection, labelled with its name.
    func projection(_ name: String) -> ProjectionMetrics {
        ProjectionMetrics(name: name, factory: factory, dimensions: dimensions)
    }
}

/// A projection runner's metric handles, made once per runner.
final class ProjectionMetrics: Sendable {
    let lag: Gauge
    let eventsApplied: Counter
    let batchDuration: CoreMetrics.Timer

    init(name: String, factory: any MetricsFactory, dimensions: [(String, String)]) {
        let labelled = [("projection", name)] + dimensions
        lag = Gauge(label: "annals_projection_lag_positions", dimensions: labelled, factory: factory)
        eventsApplied = Counter(label: "annals_projection_events_applied_total", dimensions: labelled, factory: factory)
        batchDuration = CoreMetrics.Timer(label: "annals_projection_batch_duration", dimensions: labelled,
                                          preferredDisplayUnit: .microseconds, factory: factory)
    }

    /// One applied batch: its events, how long `apply` took, and the lag left after it.
    func noteBatch(events: Int, nanoseconds: UInt64, lag: UInt64) {
        batchDuration.recordNanoseconds(nanoseconds)
        eventsApplied.increment(by: events)
        self.lag.record(Int64(clamping: lag))
    }
}
