public import ServiceLifecycle
import Logging

/// A `Restorer` runs as a `Service` (swift-service-lifecycle): `run()` restores and follows the
/// JetStream stream, as `follow()` does, until graceful shutdown or cancellation. It stops
/// between two store appends, so the store holds every change applied (each append is one
/// atomic batch), logs how far it got, and returns; the next run resumes after the store's
/// last change. The store is the restorer's only progress record: nothing else is saved.
///
/// List the store before the restorer in the `ServiceGroup`, so the group stops the restorer
/// before it closes the store (and the close makes what was applied durable, whatever the
/// store's durability policy).
extension Restorer: Service {
    /// Restores and follows until the graceful shutdown of the enclosing `ServiceGroup`, or
    /// cancellation. Throws the fatal `ReplicationError`s that `follow()` throws.
    public func run() async throws {
        let summary = try await cancelWhenGracefulShutdown { [self] in try await follow() }
        logger.info("restore stopped", metadata: [
            "js_stream": "\(configuration.streamName)", "restored": "\(summary.replicated)",
            "last_position": "\(summary.lastPosition)", "js_sequence": "\(summary.jetStreamSequence)",
        ])
    }
}
