/// `withUnsafeBytes` for byte arrays with typed throws: the standard library's versions
/// rethrow `any Error`, which would erase `LogError` inside the core.
extension Array where Element == UInt8 {
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws(LogError) -> T) throws(LogError) -> T {
        let result: Result<T, LogError> = withUnsafeBytes { raw in
            do throws(LogError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    mutating func withMutableBytes<T>(_ body: (UnsafeMutableRawBufferPointer) throws(LogError) -> T) throws(LogError) -> T {
        let result: Result<T, LogError> = withUnsafeMutableBytes { raw in
            do throws(LogError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
