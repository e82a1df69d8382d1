import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on standard error: count, bytes, rate and, when the total is
/// known, percent and ETA. It redraws in place (carriage return, erase line) at most every
/// `intervalNanoseconds`, and only when enabled: by default when standard error is a terminal,
/// so it never reaches a file or pipe, and never standard output.
final class ProgressMeter: @unchecked Sendable {
    static let intervalNanoseconds: UInt64 = 250_000_000

    /// What is counted ("events", "segments").
    let unit: String
    /// Total bytes, when known (a regular file on standard input, a store's size).
    let totalBytes: UInt64?
    let isEnabled: Bool
    private let start = ProgressMeter.now()
    private var lastDraw: UInt64 = 0
    private var drawn = false

    init(unit: String, totalBytes: UInt64?, choice: ProgressChoice) {
        self.unit = unit
        self.totalBytes = totalBytes
        switch choice {
        case .auto: isEnabled = isatty(2) == 1
        case .always: isEnabled = true
        case .never: isEnabled = false
        }
    }

    /// Redraws with `count` done and `bytes` processed, unless the last draw was too recent.
    func update(count: Int, bytes: UInt64, force: Bool = false) {
        guard isEnabled else { return }
        let now = Self.now()
        guard force || now - lastDraw >= Self.intervalNanoseconds else { return }
        lastDraw = now
        drawn = true
        StandardIO.write(Array(("\r\u{1B}[K" + Self.line(unit: unit, count: count, bytes: bytes, total: totalBytes,
                                                          seconds: Double(now - start) / 1e9)).utf8), to: 2)
    }

    /// Runs `body` while a background thread redraws the display, for work that reports
    /// seldom or never (`Log.verify` reports after each segment): `label` with the time elapsed
    /// until `body` first calls its `update(count, bytes)`, then the count, bytes, rate and,
    /// with a known total, percent and ETA of the latest update.
    func whileRunning<T>(_ label: String, _ body: (_ update: (Int, UInt64) -> Void) throws -> T) rethrows -> T {
        guard isEnabled else { return try body { _, _ in } }
        let ticker = Ticker()
        let (start, unit, total) = (self.start, self.unit, self.totalBytes)
        DetachedThread.start {
            var lastDraw: UInt64 = 0
            while !ticker.isStopped {
                let now = Self.now()
                if now - lastDraw >= Self.intervalNanoseconds * 4 {
                    lastDraw = now
                    let seconds = Double(now - start) / 1e9
                    let text = ticker.latest.map { Self.line(unit: unit, count: $0.count, bytes: $0.bytes, total: total, seconds: seconds) }
                        ?? "\(label): \(Int(seconds)) s"
                    StandardIO.write(Array("\r\u{1B}[K\(text)".utf8), to: 2)
                }
                usleep(20_000)
            }
            ticker.markExited()
        }
        defer {
            ticker.stop()
            while !ticker.hasExited { usleep(1_000) }  // its last line is drawn before the erase
            drawn = true
            finish()
        }
        return try body { count, bytes in ticker.note(count: count, bytes: bytes) }
    }

    /// The stop flag and the latest progress between `whileRunning` and its drawing thread.
    private final class Ticker: @unchecked Sendable {
        private let mutex = PosixMutex()
        private var stopped = false
        private var exited = false
        private var progress: (count: Int, bytes: UInt64)?
        var isStopped: Bool { mutex.withLock { stopped } }
        var hasExited: Bool { mutex.withLock { exited } }
        var latest: (count: Int, bytes: UInt64)? { mutex.withLock { progress } }
        func stop() { mutex.withLock { stopped = true } }
        func markExited() { mutex.withLock { exited = true } }
        func note(count: Int, bytes: UInt64) { mutex.withLock { progress = (count, bytes) } }
    }

    /// Erases the display, so what follows on standard error starts on a clean line.
    func finish() {
        guard isEnabled && drawn else { return }
        StandardIO.write(Array("\r\u{1B}[K".utf8), to: 2)
        drawn = false
    }

    /// "120000 events  36.1 MiB / 300.0 MiB (12%)  81000 events/s  34.2 MiB/s  ETA 0:07".
    static func line(unit: String, count: Int, bytes: UInt64, total: UInt64?, seconds: Double) -> String {
        var text = "\(count) \(unit)  \(ByteCount.text(bytes))"
        if let total, total > 0 { text += " / \(ByteCount.text(total)) (\(min(100, bytes * 100 / total))%)" }
        guard seconds > 0 else { return text }
        let bytesPerSecond = Double(bytes) / seconds
        text += "  \(Int(Double(count) / seconds)) \(unit)/s  \(ByteCount.text(UInt64(bytesPerSecond)))/s"
        if let total, total > bytes, bytesPerSecond > 0 {
            let left = Int((Double(total - bytes) / bytesPerSecond).rounded(.up))
            text += "  ETA \(left / 60):\(left % 60 < 10 ? "0" : "")\(left % 60)"
        }
        return text
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// `--progress auto|always|never`: auto shows progress only when standard error is a terminal.
enum ProgressChoice: String, CaseIterable {
    case auto, always, never
}
