/// Malformed JSON: what is wrong and the byte offset (from 0) where the scanner found it.
public struct JSONError: Error, Equatable, CustomStringConvertible {
    public var message: String
    /// Offset from the start of the scanned buffer (a line, for `EventLine`).
    public var offset: Int

    public init(message: String, offset: Int) {
        precondition(offset >= 0, "an offset counts bytes from the start")
        self.message = message
        self.offset = offset
    }

    /// "message at byte N", with N counted from 1 as editors count columns.
    public var description: String { "\(message) at byte \(offset + 1)" }
}
