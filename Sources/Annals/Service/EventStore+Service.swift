public import ServiceLifecycle

/// An `EventStore` runs as a `Service` (swift-service-lifecycle), beside the other services of
/// a server, and closes itself on graceful shutdown (SIGTERM, say):
///
/// ```swift
/// let store = try await EventStore.open(directory: "/var/lib/orders")
/// let projection = ProjectionRunner(store: store, projection: stock)
/// let group = ServiceGroup(configuration: ServiceGroupConfiguration(
///     services: [store, projection, httpServer],  // shut down last to first
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
///
/// On graceful shutdown (or cancellation) `run()` closes the store, as `close()` does:
/// - an append that has not reached the commit thread fails with `EventStoreError.closed`;
/// - every append already submitted is written, synced and acknowledged first;
/// - subscriptions deliver what is committed and then end (their iterators return nil);
/// - the stream heads are saved and the log writes its clean-shutdown marker, so the next
///   open scans no tail (`openReport.log.cleanShutdown`, `bytesScanned == 0`).
///
/// A `ServiceGroup` shuts its services down in reverse order: list the store before the
/// services that use it (projection runners, replicators, request handlers), so that they
/// stop, and save their checkpoints into the store, while it is still open.
extension EventStore: Service {
    /// Waits for the graceful shutdown of the enclosing `ServiceGroup` (or for the task to be
    /// cancelled), then closes the store. Throws only if closing fails.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch is CancellationError {
            // Cancelled rather than asked to shut down gracefully: close all the same.
        }
        try await close()
    }
}
