import AnnalsLog
import Tracing

/// Appends, deletions and reads wrapped in their metrics and spans (docs/OBSERVABILITY.md). Only reached
/// when a metrics backend or a tracer is there: otherwise callers take the plain path, which
/// differs from the unobserved code by one branch.
extension StoreEngine {
    /// `appendUnobserved` timed and counted, inside an `annals.append` span whose context is
    /// added to each event's metadata under `$trace`.
    func appendObserved(_ requests: [StreamAppend], condition: AppendCondition? = nil) async throws(EventStoreError) -> MultiAppendResult {
        let started = metrics == nil ? 0 : monotonicNanoseconds()
        var requests = requests
        let span = tracer.map { tracer in
            let span = tracer.startSpan("annals.append", ofKind: .producer)
            requests = Self.injecting(span.context, with: tracer, into: requests)
            span.attributes["annals.streams"] = requests.count
            span.attributes["annals.events"] = requests.reduce(0) { $0 + $1.events.count }
            return span
        }
        let result: Result<MultiAppendResult, EventStoreError>
        do { result = .success(try await appendUnobserved(requests, condition: condition)) } catch { result = .failure(error) }
        metrics?.noteAppend(result, nanoseconds: monotonicNanoseconds() &- started)
        if let span {
            switch result {
            case .success(let appended):
                span.attributes["annals.replay"] = appended.isReplay
                if let first = appended.events.first, let last = appended.events.last {
                    span.attributes["annals.position.first"] = Int64(clamping: first.position.rawValue)
                    span.attributes["annals.position.last"] = Int64(clamping: last.position.rawValue)
                }
            case .failure(let error):
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
            span.end()
        }
        return try result.get()
    }

    /// `deleteUnobserved` timed and counted by kind and outcome, inside an `annals.delete`
    /// span. A deletion record has no metadata, so no trace context travels with it.
    func deleteObserved(_ request: DeletionRequest) async throws(EventStoreError) -> LogPosition {
        let started = metrics == nil ? 0 : monotonicNanoseconds()
        let kind: StoreMetrics.DeleteKind = request.hard ? .hard : .soft
        let span = tracer.map { tracer in
            let span = tracer.startSpan("annals.delete", ofKind: .internal)
            span.attributes["annals.stream"] = request.stream.rawValue
            span.attributes["annals.delete.kind"] = kind.label
            span.attributes["annals.delete.replicated"] = request.copying != nil
            return span
        }
        let result: Result<LogPosition, EventStoreError>
        do { result = .success(try await deleteUnobserved(request)) } catch { result = .failure(error) }
        if let metrics {
            let failed = if case .failure = result { true } else { false }
            metrics.noteDelete(kind, failed: failed, nanoseconds: monotonicNanoseconds() &- started)
        }
        if let span {
            switch result {
            case .success(let position):
                span.attributes["annals.position"] = Int64(clamping: position.rawValue)
            case .failure(let error):
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
            span.end()
        }
        return try result.get()
    }

    /// `requests` with `context` injected into every event's metadata that can carry it.
    private static func injecting(_ context: ServiceContext, with tracer: any Tracer, into requests: [StreamAppend]) -> [StreamAppend] {
        var carrier: [String: String] = [:]
        tracer.inject(context, into: &carrier, using: DictionaryInjector())
        guard !carrier.isEmpty else { return requests }
        var requests = requests
        for part in requests.indices {
            for event in requests[part].events.indices {
                if let metadata = TraceMetadata.inject(carrier, into: requests[part].events[event].metadata) {
                    requests[part].events[event].metadata = metadata
                }
            }
        }
        return requests
    }

    /// Runs a public read: directly when nothing observes it, else timed, counted and in an
    /// `annals.read` span.
    @inline(__always)
    func observeRead<Value>(_ kind: StoreMetrics.ReadKind, _ read: () throws(EventStoreError) -> Value) throws(EventStoreError) -> Value {
        if !isObserved { return try read() }
        return try observedRead(kind, read)
    }

    private func observedRead<Value>(_ kind: StoreMetrics.ReadKind, _ read: () throws(EventStoreError) -> Value) throws(EventStoreError) -> Value {
        let started = metrics == nil ? 0 : monotonicNanoseconds()
        let span = tracer?.startSpan("annals.read", ofKind: .internal)
        span?.attributes["annals.read.kind"] = kind.label
        defer {
            metrics?.noteRead(kind, nanoseconds: monotonicNanoseconds() &- started)
            span?.end()
        }
        do {
            return try read()
        } catch {
            span?.recordError(error)
            span?.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}
