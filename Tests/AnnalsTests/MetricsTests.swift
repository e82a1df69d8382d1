import AnnalsTestSupport
import Foundation
import MetricsTestKit
import Testing
@_spi(Testing) @testable import Annals
@_spi(Testing) @testable import AnnalsLog

/// Every metric in docs/OBSERVABILITY.md, checked against swift-metrics' test backend, given
/// through `LogOptions.metricsFactory` (no global bootstrap, so suites can run side by side).
@Suite(.timeLimit(.minutes(5))) struct MetricsTests {
    static let store = [("store", "metrics-test")]

    static func options(_ metrics: TestMetrics, segmentBytes: Int = 4096) -> EventStoreOptions {
        var log = LogOptions(durability: .always, segmentBytes: segmentBytes)
        log.metricsFactory = metrics
        log.metricsDimensions = store
        return EventStoreOptions(log: log)
    }

    func counter(_ metrics: TestMetrics, _ label: String, _ dimensions: [(String, String)] = []) throws -> Int64 {
        try metrics.expectCounter(label, dimensions + Self.store).totalValue
    }

    /// Proves appends, events, record and byte counts, append and fdatasync latency and the
    /// commit group size are recorded, each with its documented labels.
    @Test func appendMetrics() async throws {
        let metrics = TestMetrics()
        try await withStore(Self.options(metrics)) { store, _ in
            let events = Fixtures.events(3)
            try await store.append(to: "order-1", events)
            try await store.append(to: "order-1", events)  // a replay
            try await store.append(to: "order-2", Fixtures.events(2))
            await #expect(throws: EventStoreError.self) { try await store.append(to: "order-2", Fixtures.events(1), expectedVersion: .noStream) }

            #expect(try counter(metrics, "annals_appends_total", [("result", "written")]) == 2)
            #expect(try counter(metrics, "annals_appends_total", [("result", "replayed")]) == 1)
            #expect(try counter(metrics, "annals_appends_total", [("result", "failed")]) == 1)
            #expect(try counter(metrics, "annals_events_appended_total") == 5)
            #expect(try metrics.expectTimer("annals_append_duration", Self.store).values.count == 4)
            #expect(try counter(metrics, "annals_log_records_written_total") == 5)
            let bytes = try counter(metrics, "annals_log_bytes_written_total")
            #expect(bytes > 5 * 64 && bytes % 8 == 0, "padded record bytes")
            let syncs = try metrics.expectTimer("annals_fdatasync_duration", Self.store).values
            #expect(syncs.count >= 2 && syncs.allSatisfy { $0 > 0 })
            let groups = try metrics.expectRecorder("annals_commit_group_requests", Self.store).values
            #expect(!groups.isEmpty && groups.allSatisfy { $0 >= 1 })
        }
    }

    /// Proves soft deletes, tombstones and copies of a deletion (`delete(replicating:)`) are
    /// counted by kind and outcome and timed by kind, and that none counts as an append.
    @Test func deleteMetrics() async throws {
        let deletion = try await Fixtures.softDeletionToCopy()
        let metrics = TestMetrics()
        try await withStore(Self.options(metrics)) { store, _ in
            try await store.append(to: "c", Fixtures.events(1))
            try await store.append(to: "a", Fixtures.events(2))
            try await store.append(to: "b", Fixtures.events(1))
            try await store.delete(replicating: deletion)
            try await store.softDelete(stream: "a")
            await #expect(throws: EventStoreError.streamDeleted("a")) { try await store.softDelete(stream: "a") }
            try await store.hardDelete(stream: "b")
            await #expect(throws: EventStoreError.streamTombstoned("b")) { try await store.hardDelete(stream: "b") }
            await #expect(throws: EventStoreError.streamTombstoned("b")) { try await store.hardDelete(stream: "b", expectedVersion: .exact(0)) }

            #expect(try counter(metrics, "annals_deletes_total", [("kind", "soft"), ("result", "written")]) == 2)
            #expect(try counter(metrics, "annals_deletes_total", [("kind", "soft"), ("result", "failed")]) == 1)
            #expect(try counter(metrics, "annals_deletes_total", [("kind", "hard"), ("result", "written")]) == 1)
            #expect(try counter(metrics, "annals_deletes_total", [("kind", "hard"), ("result", "failed")]) == 2)
            let soft = try metrics.expectTimer("annals_delete_duration", [("kind", "soft")] + Self.store).values
            let hard = try metrics.expectTimer("annals_delete_duration", [("kind", "hard")] + Self.store).values
            #expect(soft.count == 3 && hard.count == 3 && (soft + hard).allSatisfy { $0 > 0 })
            #expect(try counter(metrics, "annals_appends_total", [("result", "written")]) == 3, "deletions are not appends")
            #expect(try counter(metrics, "annals_log_records_written_total") == 4 + 3, "four events and three deletion records")
        }
    }

    /// Proves each kind of public read is counted and timed, and that point reads go through
    /// the block cache: a miss first, then hits.
    @Test func readAndCacheMetrics() async throws {
        let metrics = TestMetrics()
        try await withStore(Self.options(metrics)) { store, _ in
            for index in 0..<40 { try await store.append(to: "cart-\(index % 4)", Fixtures.events(2)) }
            _ = try await store.read(stream: "cart-1")
            _ = try await store.read(stream: "cart-1", asOf: Date())
            _ = try store.reader.read(stream: "cart-2", limit: 3)
            _ = try await store.readAll(limit: 5)
            _ = try await store.read(category: "cart", limit: 5)
            _ = try await store.firstPosition(atOrAfter: Date(timeIntervalSince1970: 0))
            _ = try await store.read(EventQuery(types: ["Tested"]), limit: 2)
            _ = try store.reader.read(EventQuery(tags: ["none"]))
            #expect(try counter(metrics, "annals_reads_total", [("kind", "query")]) == 2)
            #expect(try counter(metrics, "annals_reads_total", [("kind", "stream")]) == 3)
            #expect(try counter(metrics, "annals_reads_total", [("kind", "all")]) == 1)
            #expect(try counter(metrics, "annals_reads_total", [("kind", "filter")]) == 1)
            #expect(try counter(metrics, "annals_reads_total", [("kind", "time")]) == 1)
            #expect(try metrics.expectTimer("annals_read_duration", [("kind", "stream")] + Self.store).values.count == 3)

            try store.sealFullSegments()
            let before = (try? counter(metrics, "annals_block_cache_hits_total")) ?? 0
            _ = try await store.readAll(fromPosition: LogPosition(3), limit: 1)
            _ = try await store.readAll(fromPosition: LogPosition(3), limit: 1)
            #expect(try counter(metrics, "annals_block_cache_misses_total") >= 1)
            #expect(try counter(metrics, "annals_block_cache_hits_total") > before)
        }
    }

    /// Proves sealing is counted and timed.
    @Test func sealMetrics() async throws {
        let metrics = TestMetrics()
        try await withStore(Self.options(metrics)) { store, _ in
            for index in 0..<60 { try await store.append(to: "s-\(index)", Fixtures.events(1)) }
            let sealed = try store.sealFullSegments()
            #expect(!sealed.isEmpty)
            #expect(try counter(metrics, "annals_seals_total") == Int64(sealed.count))
            #expect(try metrics.expectTimer("annals_seal_duration", Self.store).values.count == sealed.count)
        }
    }

    /// Proves a subscription's lag and a projection's lag, applied events and batch time are
    /// recorded, the projection labelled with its type name.
    @Test func subscriptionAndProjectionMetrics() async throws {
        let metrics = TestMetrics()
        try await withStore(Self.options(metrics, segmentBytes: 1 << 20)) { store, _ in
            try await store.append(to: "a", Fixtures.events(30))
            var events = try store.subscribe(from: .start).makeAsyncIterator()
            _ = try await events.next()
            let lags = try metrics.expectRecorder("annals_subscription_lag_positions", Self.store).values
            #expect(lags == [0], "one read took all 30 committed events")

            let runner = ProjectionRunner(store: store, projection: RecordingProjection(), batchEvents: 8)
            #expect(try await runner.catchUp() == 30)
            let labels = [("projection", "RecordingProjection")] + Self.store
            #expect(try metrics.expectCounter("annals_projection_events_applied_total", labels).totalValue == 30)
            #expect(try metrics.expectTimer("annals_projection_batch_duration", labels).values.count == 4)
            let projectionLags = try metrics.expectGauge("annals_projection_lag_positions", labels).values
            #expect(projectionLags == [22, 14, 6, 0])
        }
    }

    /// Proves recovery's repairs on open are counted by kind: a torn tail cut, a position
    /// index and the stream heads rebuilt; and the scanned tail is recorded.
    @Test func recoveryMetrics() async throws {
        let dir = TemporaryDirectory("annals-metrics")
        defer { dir.remove() }
        let first = try await EventStore.open(directory: dir.path, options: Self.options(TestMetrics()))
        for index in 0..<40 { try await first.append(to: "r-\(index)", Fixtures.events(1)) }
        try await first.close()  // writes the stream heads, spoiled below
        let second = try await EventStore.open(directory: dir.path, options: Self.options(TestMetrics()))
        try await second.append(to: "r-late", Fixtures.events(1))
        second.log.abandonForTesting()  // a crash: no clean close
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let active = try #require(files.last { $0.hasSuffix(".log") })
        let handle = try #require(FileHandle(forWritingAtPath: dir.file(active)))
        try handle.seekToEnd()
        try handle.write(contentsOf: [UInt8](repeating: 0xA5, count: 40))  // a torn write
        try handle.close()
        let heads = try #require(FileHandle(forWritingAtPath: dir.file("streams.heads")))
        try heads.write(contentsOf: [UInt8](repeating: 0xFF, count: 16))  // a bad checksum
        try heads.close()
        let rawIndex = try #require(files.first { $0.hasSuffix(".pidx") })
        try FileManager.default.removeItem(atPath: dir.file(rawIndex))

        let metrics = TestMetrics()
        let reopened = try await EventStore.open(directory: dir.path, options: Self.options(metrics))
        let report = reopened.openReport
        #expect(report.log.bytesDropped == 40)
        #expect(report.headsRebuilt)
        #expect(try counter(metrics, "annals_recovery_actions_total", [("action", "tail_truncated")]) == 1)
        #expect(try counter(metrics, "annals_recovery_actions_total", [("action", "index_rebuilt")]) == Int64(report.log.indexesRebuilt.count))
        #expect(try counter(metrics, "annals_recovery_actions_total", [("action", "heads_rebuilt")]) == 1)
        #expect(try metrics.expectGauge("annals_recovery_tail_bytes_scanned", Self.store).lastValue == Double(report.log.bytesScanned))
        #expect(report.log.bytesScanned > 0)
        try await reopened.close()
    }

    /// Proves that with no backend (nothing bootstrapped, none given) the store makes no
    /// metric handles at all: the hot paths only test a nil.
    @Test func noBackendMakesNoHandles() async throws {
        try await withStore(Fixtures.fast()) { store, _ in
            #expect(store.engine.metrics == nil)
            #expect(store.engine.log.metrics == nil)
            #expect(store.engine.tracer == nil)
        }
    }
}
