import Dispatch

/// Syncs the log every interval under `.interval` durability, off the append path.
final class IntervalFlusher: @unchecked Sendable {
    // The timer is created once and only cancelled afterwards; Dispatch makes that thread-safe.
    private let timer: any DispatchSourceTimer

    init(log: Log, milliseconds: Int) {
        precondition(milliseconds > 0, "interval must be positive")
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { [weak log] in
            // A failed sync poisons the log; the next append reports it.
            try? log?.sync()
        }
        timer.resume()
    }

    func stop() { timer.cancel() }
}
