import AnnalsJSON
import AnnalsLog
#if canImport(Glibc)
import Glibc
#endif

/// The reading half of `annals append`: on a thread of its own, reads standard input, splits
/// it into lines, validates and parses each, and queues the lines of each read as one unit.
///
/// A bad line ends the input: the units before it are queued (the valid lines of its own read
/// included), then `finish` carries the error naming the line, and nothing after it is read.
final class InputParser: @unchecked Sendable {
    /// Bytes asked of each read: what is ready in a pipe, or this much of a file.
    static let readBytes = 1 << 20

    private let descriptor: Int32
    private let defaultStream: String?
    private let batchBytesMax: Int
    private let queue: IngestQueue

    init(descriptor: Int32 = 0, defaultStream: String?, batchBytesMax: Int, queue: IngestQueue) {
        precondition(batchBytesMax > 0, "a batch holds at least one byte")
        self.descriptor = descriptor
        self.defaultStream = defaultStream
        self.batchBytesMax = batchBytesMax
        self.queue = queue
    }

    /// Starts parsing on a background thread; the queue receives the units and the end.
    func start() { DetachedThread.start { self.run() } }

    /// Reads to the end of input (or the first bad line, or until the committer stops).
    func run() {
        var buffer = [UInt8](repeating: 0, count: Self.readBytes)
        var filled = 0  // bytes of buffer holding input: a partial line carried from the last read
        var lineNumber = 0
        while true {
            if buffer.count - filled < Self.readBytes / 4 { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { read(into: $0, from: filled) }
            guard count >= 0 else {
                queue.finish(CLIError("cannot read standard input: \(String(cString: strerror(errno)))"))
                return
            }
            let atEnd = count == 0
            filled += count
            var unit = IngestUnit()
            let result = buffer.withUnsafeBufferPointer { parseLines(UnsafeBufferPointer(rebasing: $0[0..<filled]), atEnd: atEnd, lineNumber: &lineNumber, into: &unit) }
            if !unit.isEmpty { guard queue.put(unit) else { return } }
            switch result {
            case .failure(let error):
                queue.finish(error)
                return
            case .success(let consumed):
                if atEnd { queue.finish(nil); return }
                buffer.withUnsafeMutableBytes { raw in
                    if consumed > 0 { memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed) }
                }
                filled -= consumed
            }
        }
    }

    /// One read into the buffer after its first `offset` bytes, retried on EINTR.
    private func read(into buffer: UnsafeMutableRawBufferPointer, from offset: Int) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count >= 0 || errno != EINTR { return count }
        }
    }

    /// Parses the complete lines of `input` (and at the end of input the last, unterminated
    /// one) into `unit`; returns the bytes consumed, or the error of the first bad line.
    private func parseLines(
        _ input: UnsafeBufferPointer<UInt8>, atEnd: Bool, lineNumber: inout Int, into unit: inout IngestUnit
    ) -> Result<Int, CLIError> {
        var start = 0
        while start < input.count {
            let end: Int
            if let newline = memchr(input.baseAddress! + start, 0x0A, input.count - start) {
                end = input.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            } else if atEnd {
                end = input.count
            } else {
                break
            }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: input[start..<end])
            let next = min(end + 1, input.count)
            if !Self.isBlank(line) {
                do {
                    try unit.add(try InputEvent(line: line, defaultStream: defaultStream), line: lineNumber, batchBytesMax: batchBytesMax)
                } catch {
                    return .failure(CLIError("line \(lineNumber): \(error)"))
                }
            }
            unit.inputBytes += next - start
            start = next
        }
        return .success(start)
    }

    /// Blank lines (spaces, tabs, carriage returns) are skipped, as they always were.
    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
