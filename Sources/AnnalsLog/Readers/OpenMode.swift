/// How a store is opened.
public enum OpenMode: Sendable, Equatable {
    /// The one writer: takes the store's lock, recovers from any crash, appends.
    case readWrite
    /// A reader beside the writer, in any process: no lock, no recovery, no write of any kind.
    /// It sees what the writer has made durable, as the `HEAD` file publishes it.
    case readOnly
}
