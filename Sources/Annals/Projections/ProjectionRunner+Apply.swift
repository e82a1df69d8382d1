import AnnalsLog
import Synchronization
import Tracing

extension ProjectionRunner {
    /// The most producer traces one batch span links to.
    static var traceLinksMax: Int { 32 }

    /// Hands one batch to the projection, in an `annals.projection.apply` span that continues
    /// the first producer trace found in the events' metadata and links to the others.
    ///
    /// The projection's `apply` is shielded from cancellation, so cancelling the runner (or a
    /// graceful shutdown) never interrupts a batch halfway: it finishes, checkpoint included,
    /// and the runner stops before the next one.
    func apply(_ events: [RecordedEvent], through: LogPosition) async throws(Failure) {
        let started = metrics == nil ? 0 : monotonicNanoseconds()
        let span = store.engine.tracer.map { tracer in startSpan(tracer, events, through: through) }
        let projection = self.projection
        // The batch span is the current one inside `apply`, so the projection's own spans nest under it.
        let context = span?.context ?? ServiceContext.current
        do {
            try await shielded(in: context) { () throws(P.Failure) in try await projection.apply(events, through: through) }
        } catch {
            span?.recordError(error)
            span?.setStatus(SpanStatus(code: .error))
            span?.end()
            throw error
        }
        span?.end()
        if let metrics {
            let head = store.engine.visibleEnd.load(ordering: .relaxed) &- 1
            metrics.noteBatch(events: events.count, nanoseconds: monotonicNanoseconds() &- started,
                              lag: head > through.rawValue ? head - through.rawValue : 0)
        }
    }

    private func startSpan(_ tracer: any Tracer, _ events: [RecordedEvent], through: LogPosition) -> any Span {
        var contexts: [ServiceContext] = []
        for event in events where contexts.count < Self.traceLinksMax {
            if let context = event.traceContext(using: tracer) { contexts.append(context) }
        }
        let parent = contexts.first ?? ServiceContext.current ?? .topLevel
        let span = tracer.startSpan("annals.projection.apply", context: parent, ofKind: .consumer)
        for context in contexts.dropFirst() { span.addLink(SpanLink(context: context, attributes: [:])) }
        span.attributes["annals.projection"] = String(describing: P.self)
        span.attributes["annals.events"] = events.count
        span.attributes["annals.position.through"] = Int64(clamping: through.rawValue)
        return span
    }
}
