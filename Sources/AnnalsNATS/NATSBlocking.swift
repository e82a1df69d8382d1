import Dispatch

/// Runs blocking libnats calls (requests that wait for a reply) off the cooperative pool, so an
/// unresponsive cluster never starves other tasks. One hop per call; callers batch.
enum NATSBlocking {
    private static let queue = DispatchQueue(label: "annals.nats.blocking", attributes: .concurrent)

    static func run<Value: Sendable>(_ body: @escaping @Sendable () throws(ReplicationError) -> Value) async throws(ReplicationError) -> Value {
        let result: Result<Value, ReplicationError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(ReplicationError) { continuation.resume(returning: .success(try body())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
