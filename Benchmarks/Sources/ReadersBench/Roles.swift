import Annals
import AnnalsLog
import Foundation

/// The processes of the readers benchmark. Each runs as `ReadersBench <role> ...` so the
/// measurement crosses real process boundaries, as a service and its readers would.
enum Role {
    /// Appends one event at a time (durable) at `rate` per second for `seconds`, each carrying
    /// the wall-clock time of its append call, then prints `appended N`.
    static func pacedWriter(dir: String, rate: Int, seconds: Double) async throws {
        let store = try await EventStore.open(directory: dir, options: EventStoreOptions(log: LogOptions(durability: .always)))
        let interval = 1.0 / Double(rate)
        let start = Date()
        var sent = 0
        while Date().timeIntervalSince(start) < seconds {
            let due = start.addingTimeInterval(Double(sent) * interval)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
            let now = Clock.wallNanoseconds()
            try await store.append(to: StreamName("paced-\(sent % 16)"), [EventData(type: "Tick", data: Array("{\"t\":\(now)}".utf8))])
            sent += 1
        }
        try await store.close()
        print("appended \(sent)")
    }

    /// Appends durable batches of `batch` events as fast as it can for `seconds`, then prints
    /// `rate R` (events per second).
    static func fullSpeedWriter(dir: String, batch: Int, seconds: Double) async throws {
        let store = try await EventStore.open(directory: dir, options: EventStoreOptions(log: LogOptions(durability: .always)))
        let payload = Array(String(repeating: "x", count: 240).utf8)
        let start = Clock.uptimeNanoseconds()
        var appended = 0
        var round = 0
        while Double(Clock.uptimeNanoseconds() - start) / 1e9 < seconds {
            let events = (0..<batch).map { _ in EventData(type: "Load", data: payload) }
            try await store.append(to: StreamName("load-\(round % 64)"), events)
            appended += batch
            round += 1
        }
        let elapsed = Double(Clock.uptimeNanoseconds() - start) / 1e9
        try await store.close()
        print("rate \(Int(Double(appended) / elapsed))")
    }

    /// Follows the store read-only from its end (or, with `fromStart`, from its first event)
    /// until `count` events arrived (or `seconds` passed), then prints `received N` and the
    /// process's CPU time per event received.
    static func follower(dir: String, count: Int, seconds: Double, fromStart: Bool = false) async throws {
        let store = try await EventStore.open(directory: dir, mode: .readOnly)
        let subscription = try store.subscribe(from: fromStart ? .start : .end)
        let deadline = Clock.uptimeNanoseconds() + UInt64(seconds * 1e9)
        let counting = Task { () throws -> Int in
            var received = 0
            for try await _ in subscription {
                received += 1
                if received >= count { break }
            }
            return received
        }
        let watchdog = Task {
            while Clock.uptimeNanoseconds() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
            counting.cancel()
        }
        let received = try await counting.value
        watchdog.cancel()
        try await store.close()
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        print("received \(received)")
        print("cpu-us-per-event \(received > 0 ? cpu / Double(received) : 0)")
    }
}

enum Clock {
    static func uptimeNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Wall-clock nanoseconds: comparable between processes on one machine.
    static func wallNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
