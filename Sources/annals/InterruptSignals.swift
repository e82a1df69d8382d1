import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Turns process signals into a callback: the signals are ignored by default handling (so they
/// no longer kill the process) and delivered through dispatch sources instead.
final class InterruptSignals {
    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "annals.signals")
    private let handler = LockedHandler()

    init(_ signals: [Int32]) {
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            sources.append(source)
        }
        self.sources = sources
        let handler = self.handler
        for source in sources {
            source.setEventHandler { handler.fire() }
            source.resume()
        }
    }

    /// Runs `action` on the next signal, or at once if one came already.
    func onSignal(_ action: @escaping @Sendable () -> Void) { handler.set(action) }

    func cancel() { for source in sources { source.cancel() } }
}

/// The action for a signal, and whether a signal came before the action was set.
private final class LockedHandler: Sendable {
    private struct State {
        var action: (@Sendable () -> Void)?
        var fired = false
    }

    private let state = Mutex(State())

    func set(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            state.action = action
            return state.fired
        }
        if runNow { action() }
    }

    func fire() {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            state.fired = true
            return state.action
        }
        action?()
    }
}
