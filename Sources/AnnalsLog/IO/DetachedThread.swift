#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached POSIX thread, for work that blocks or runs long and so must never hold one
/// of the few threads of Swift's cooperative pool: the CLI's input reader and parser, and a
/// read-only store's watermark poller.
package enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    package static func start(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
        pthread_detach(thread)
    }
}
