#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Tracing

/// How an append's span context travels with its events (docs/OBSERVABILITY.md, "Trace
/// propagation"): the tracer's carrier fields (for W3C Trace Context, `traceparent` and
/// `tracestate`) as a JSON object of strings under the key `$trace` of the event's metadata.
///
/// The store injects only into metadata that is empty or a JSON object without `$trace`:
/// `{}` or `{"user": 7}` becomes `{"$trace":{"traceparent":"00-…"},"user": 7}`. Other metadata
/// (binary, a JSON array, one that already names `$trace`) is stored exactly as given, and
/// carries no trace. The key sorts first and begins with `$`, as EventStoreDB's reserved
/// metadata keys (`$correlationId`) do.
enum TraceMetadata {
    /// The metadata key holding the carrier: `RecordedEvent.traceContextMetadataKey`.
    static let key = "$trace"
    private static let quotedKey = Array("\"$trace\"".utf8)

    /// `metadata` with `carrier` added under `$trace`, or nil when it cannot carry one.
    static func inject(_ carrier: [String: String], into metadata: [UInt8]) -> [UInt8]? {
        guard !carrier.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let object = try? encoder.encode(carrier) else { return nil }
        let member = quotedKey + [UInt8(ascii: ":")] + Array(object)
        guard !metadata.isEmpty else { return [UInt8(ascii: "{")] + member + [UInt8(ascii: "}")] }
        guard let open = firstNonSpace(metadata, from: 0), metadata[open] == UInt8(ascii: "{"),
              !contains(metadata, quotedKey)
        else { return nil }
        let rest = firstNonSpace(metadata, from: open + 1)
        let isEmptyObject = rest.map { metadata[$0] == UInt8(ascii: "}") } ?? false
        var result = Array(metadata[...open])
        result.reserveCapacity(metadata.count + member.count + 1)
        result += member
        if !isEmptyObject { result.append(UInt8(ascii: ",")) }
        result += metadata[(open + 1)...]
        return result
    }

    /// The carrier under `$trace`, if `metadata` is a JSON object holding one.
    static func carrier(in metadata: [UInt8]) -> [String: String]? {
        guard contains(metadata, quotedKey) else { return nil }
        struct Envelope: Decodable {
            var trace: [String: String]?
            enum CodingKeys: String, CodingKey { case trace = "$trace" }
        }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(metadata)))?.trace
    }

    private static func firstNonSpace(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return index
            }
        }
        return nil
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// Writes an instrument's carrier fields into a dictionary.
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads an instrument's carrier fields from a dictionary.
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}

extension RecordedEvent {
    /// The metadata key under which an append's span context travels with each of its events:
    /// `$trace`, holding the tracer's carrier fields as a JSON object of strings
    /// (docs/OBSERVABILITY.md, "Trace propagation").
    public static var traceContextMetadataKey: String { TraceMetadata.key }

    /// The span context of the append that stored this event, read from its metadata with
    /// `instrument` (the bootstrapped one by default), so a consumer's span continues the
    /// producer's trace:
    ///
    /// ```swift
    /// let context = event.traceContext() ?? .topLevel
    /// try await withSpan("handle \(event.type)", context: context, ofKind: .consumer) { _ in … }
    /// ```
    ///
    /// Nil when the metadata carries no `$trace` (no tracer was active at the append, or the
    /// metadata was not a JSON object).
    public func traceContext(using instrument: any Instrument = InstrumentationSystem.instrument) -> ServiceContext? {
        guard let carrier = TraceMetadata.carrier(in: metadata) else { return nil }
        var context = ServiceContext.topLevel
        instrument.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }
}
