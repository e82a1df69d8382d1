import Foundation

/// Waiting on a condition with a deadline, instead of sleeping for a guessed time: a test that
/// waits returns as soon as the condition holds, and fails (instead of hanging) when it never does.
public enum Deadline {
    /// Polls `condition` every `pollMilliseconds` until it is true (returns true) or `seconds`
    /// have passed (returns false).
    @discardableResult
    public static func wait(seconds: Double, pollMilliseconds: Int = 1, until condition: () throws -> Bool) rethrows -> Bool {
        precondition(seconds > 0 && pollMilliseconds > 0, "a wait needs a positive deadline and poll interval")
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while true {
            if try condition() { return true }
            if DispatchTime.now().uptimeNanoseconds >= end { return false }
            usleep(UInt32(pollMilliseconds * 1000))
        }
    }

    /// The same for async code: suspends between polls instead of blocking a thread.
    @discardableResult
    public static func wait(seconds: Double, pollMilliseconds: Int = 1, until condition: () async throws -> Bool) async rethrows -> Bool {
        precondition(seconds > 0 && pollMilliseconds > 0, "a wait needs a positive deadline and poll interval")
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while true {
            if try await condition() { return true }
            if DispatchTime.now().uptimeNanoseconds >= end { return false }
            try? await Task.sleep(for: .milliseconds(pollMilliseconds))
        }
    }
}
