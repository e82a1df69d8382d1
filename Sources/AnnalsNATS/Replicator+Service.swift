public import ServiceLifecycle

/// A `Replicator` runs as a `Service` (swift-service-lifecycle): `run()` follows the store into
/// JetStream, as `follow()` does, until graceful shutdown or cancellation. Then the session in
/// progress stops, the last acknowledged position is saved in the store's checkpoint, and
/// `run()` returns; the next run resumes from what the cluster holds.
///
/// List the store before the replicator in the `ServiceGroup`, so the group stops the
/// replicator (which saves its checkpoint into the store) before it closes the store.
extension Replicator: Service {
    /// Replicates until the graceful shutdown of the enclosing `ServiceGroup`, or cancellation.
    /// Throws the fatal `ReplicationError`s that `follow()` throws.
    public func run() async throws {
        _ = try await cancelWhenGracefulShutdown { [self] in try await follow() }
    }
}
