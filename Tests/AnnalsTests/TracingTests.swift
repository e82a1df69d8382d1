import AnnalsTestSupport
import Foundation
import InMemoryTracing
import Testing
import Tracing
@_spi(Testing) @testable import Annals
import AnnalsLog

/// Spans around appends, reads and projection batches, and the append's span context carried
/// to consumers in the event's metadata, checked with swift-distributed-tracing's in-memory
/// tracer given through `EventStoreOptions.tracer` (no global bootstrap).
/// A projection that opens a span of its own in each batch, to show where it nests.
struct SpanningProjection: Projection {
    let tracer: InMemoryTracer

    func checkpoint() -> LogPosition? { nil }
    func apply(_ events: [RecordedEvent], through: LogPosition) { tracer.startSpan("write rows").end() }
    func reset() {}
}

@Suite(.timeLimit(.minutes(5))) struct TracingTests {
    static func options(_ tracer: InMemoryTracer) -> EventStoreOptions {
        var options = Fixtures.fast()
        options.tracer = tracer
        return options
    }

    static func spans(_ tracer: InMemoryTracer, _ name: String) -> [FinishedInMemorySpan] {
        tracer.finishedSpans.filter { $0.operationName == name }
    }

    /// Proves an append inside the producer's span gets an `annals.append` child span, and that
    /// each event carries that span's context under `$trace`, which a consumer extracts to
    /// continue the producer's trace. Metadata that is a JSON object keeps its own members;
    /// metadata that is not is stored untouched.
    @Test func appendSpanTravelsInMetadata() async throws {
        let tracer = InMemoryTracer()
        try await withStore(Self.options(tracer)) { store, _ in
            let events = [
                EventData(type: "Plain", data: Array("{}".utf8)),
                EventData(type: "Object", data: Array("{}".utf8), metadata: Array(#" {"user": 7}"#.utf8)),
                EventData(type: "Binary", data: Array("{}".utf8), metadata: [0x01, 0x02]),
            ]
            _ = try await tracer.withSpan("produce") { _ in try await store.append(to: "order-1", events) }

            let produce = try #require(Self.spans(tracer, "produce").first)
            let append = try #require(Self.spans(tracer, "annals.append").first)
            #expect(append.traceID == produce.traceID && append.parentSpanID == produce.spanID)
            #expect(append.kind == .producer)
            #expect(append.attributes["annals.events"]?.toSpanAttribute() == .int64(3))

            let stored = try await store.read(stream: "order-1")
            for event in stored.prefix(2) {
                let context = try #require(event.traceContext(using: tracer)?.inMemorySpanContext)
                #expect(context.traceID == produce.traceID && context.spanID == append.spanID)
            }
            let object = try JSONSerialization.jsonObject(with: Data(stored[1].metadata)) as? [String: Any]
            #expect(object?["user"] as? Int == 7)
            #expect((object?[RecordedEvent.traceContextMetadataKey] as? [String: String])?[InMemoryTracer.spanIDKey] == append.spanID)
            #expect(stored[2].metadata == [0x01, 0x02])
            #expect(stored[2].traceContext(using: tracer) == nil)
        }
    }

    /// Proves a projection batch's span continues the trace of the append that stored its
    /// first event, and links to the other producers' spans.
    @Test func projectionBatchContinuesTheProducerTrace() async throws {
        let tracer = InMemoryTracer()
        try await withStore(Self.options(tracer)) { store, _ in
            _ = try await tracer.withSpan("first producer") { _ in try await store.append(to: "a", Fixtures.events(2)) }
            _ = try await tracer.withSpan("second producer") { _ in try await store.append(to: "b", Fixtures.events(1)) }
            let appends = Self.spans(tracer, "annals.append")
            #expect(appends.count == 2)

            let runner = ProjectionRunner(store: store, projection: RecordingProjection())
            #expect(try await runner.catchUp() == 3)
            let batch = try #require(Self.spans(tracer, "annals.projection.apply").first)
            #expect(batch.kind == .consumer)
            #expect(batch.traceID == appends[0].traceID && batch.parentSpanID == appends[0].spanID)
            let linked = batch.links.compactMap { $0.context.inMemorySpanContext?.spanID }
            #expect(linked.contains(appends[1].spanID))
            #expect(batch.attributes["annals.events"]?.toSpanAttribute() == .int64(3))

            let spanning = ProjectionRunner(store: store, projection: SpanningProjection(tracer: tracer))
            #expect(try await spanning.catchUp() == 3)
            let inner = try #require(Self.spans(tracer, "write rows").first)
            let outer = try #require(Self.spans(tracer, "annals.projection.apply").last)
            #expect(inner.parentSpanID == outer.spanID, "the projection's own spans nest under the batch span")
        }
    }

    /// Proves reads get `annals.read` spans naming their kind, and a failed append's span
    /// records the error.
    @Test func readSpansAndFailedAppend() async throws {
        let tracer = InMemoryTracer()
        try await withStore(Self.options(tracer)) { store, _ in
            try await store.append(to: "s", Fixtures.events(1))
            _ = try await store.read(stream: "s")
            _ = try await store.readAll()
            let kinds = Self.spans(tracer, "annals.read").compactMap { $0.attributes["annals.read.kind"]?.toSpanAttribute() }
            #expect(kinds == [.string("stream"), .string("all")])

            await #expect(throws: EventStoreError.self) { try await store.append(to: "s", Fixtures.events(1), expectedVersion: .noStream) }
            let failed = try #require(Self.spans(tracer, "annals.append").last)
            #expect(failed.status?.code == .error && failed.errors.count == 1)
        }
    }

    /// Proves soft deletes, tombstones and copies of a deletion get `annals.delete` spans,
    /// children of the caller's span, naming the stream, the kind, whether it is a copy, and
    /// the position written; and that a refused deletion's span records the error.
    @Test func deleteSpans() async throws {
        let deletion = try await Fixtures.softDeletionToCopy()
        let tracer = InMemoryTracer()
        try await withStore(Self.options(tracer)) { store, _ in
            try await store.append(to: "c", Fixtures.events(1))
            try await store.append(to: "a", Fixtures.events(1))
            let soft = try await tracer.withSpan("cleanup") { _ in try await store.softDelete(stream: "a") }
            let hard = try await store.hardDelete(stream: "a")
            let copy = try await store.delete(replicating: deletion)
            await #expect(throws: EventStoreError.streamTombstoned("a")) { try await store.softDelete(stream: "a") }

            let spans = Self.spans(tracer, "annals.delete")
            try #require(spans.count == 4)
            let cleanup = try #require(Self.spans(tracer, "cleanup").first)
            #expect(spans[0].traceID == cleanup.traceID && spans[0].parentSpanID == cleanup.spanID)
            #expect(spans.map { $0.attributes["annals.delete.kind"]?.toSpanAttribute() } == [.string("soft"), .string("hard"), .string("soft"), .string("soft")])
            #expect(spans.map { $0.attributes["annals.stream"]?.toSpanAttribute() } == [.string("a"), .string("a"), .string("c"), .string("a")])
            #expect(spans.map { $0.attributes["annals.delete.replicated"]?.toSpanAttribute() } == [.bool(false), .bool(false), .bool(true), .bool(false)])
            #expect(spans.prefix(3).map { $0.attributes["annals.position"]?.toSpanAttribute() }
                    == [soft, hard, copy].map { .int64(Int64($0.rawValue)) })
            #expect(spans[3].status?.code == .error && spans[3].errors.count == 1 && spans[3].attributes["annals.position"] == nil)
            #expect(Self.spans(tracer, "annals.append").count == 2, "a deletion is not an append")
        }
    }

    /// Proves the metadata splice on its edge cases: empty metadata, an empty object, an
    /// object that already names `$trace`, and a JSON array.
    @Test func metadataInjectionRules() throws {
        let carrier = ["traceparent": "00-abc-def-01"]
        #expect(TraceMetadata.inject(carrier, into: []) == Array(#"{"$trace":{"traceparent":"00-abc-def-01"}}"#.utf8))
        #expect(TraceMetadata.inject(carrier, into: Array("{ }".utf8)) == Array(#"{"$trace":{"traceparent":"00-abc-def-01"} }"#.utf8))
        #expect(TraceMetadata.inject(carrier, into: Array(#"{"$trace":1}"#.utf8)) == nil)
        #expect(TraceMetadata.inject(carrier, into: Array("[1]".utf8)) == nil)
        #expect(TraceMetadata.carrier(in: Array(#"{"a":"b","$trace":{"traceparent":"x"}}"#.utf8)) == ["traceparent": "x"])
        #expect(TraceMetadata.carrier(in: Array("not json $trace".utf8)) == nil)
    }
}
