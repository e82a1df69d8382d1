import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A JetStream cluster of `nats-server` processes on 127.0.0.1, with free ports and a temp
/// directory, for the replication tests and the replication benchmark.
///
/// `stop()` SIGKILLs every node and removes the directory; call it in a `defer`. A watchdog
/// shell kills the nodes too if this process dies without stopping them (it reads their pid
/// files), so a crashed test run never leaves servers behind.
public final class NATSCluster: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let clientPorts: [Int]
    private let routePorts: [Int]
    private var processes: [Process?]
    private var starts: [Int]
    private var watchdog: Process?

    /// Client URLs of every node, for `--nats`.
    public var urls: [String] { clientPorts.map { "nats://127.0.0.1:\($0)" } }
    public var urlList: String { urls.joined(separator: ",") }

    /// Starts `nodes` servers and waits until they have elected a JetStream metadata leader.
    public init(nodes: Int = 3, readyTimeoutSeconds: Double = 20) throws {
        precondition(nodes >= 1, "a cluster has at least one node")
        guard FileManager.default.isExecutableFile(atPath: Self.serverPath) else {
            throw ClusterError("nats-server is not installed at \(Self.serverPath) (scripts/ensure-deps installs it)")
        }
        directory = TemporaryDirectory("annals-nats")
        let ports = try Self.freePorts(2 * nodes)
        clientPorts = Array(ports[0..<nodes])
        routePorts = Array(ports[nodes...])
        processes = Array(repeating: nil, count: nodes)
        starts = Array(repeating: 0, count: nodes)
        for node in 0..<nodes { try writeConfiguration(node) }
        try startWatchdog()
        for node in 0..<nodes { try start(node) }
        try waitUntil(timeoutSeconds: readyTimeoutSeconds, "a JetStream metadata leader") {
            nodes == 1 ? (0..<nodes).allSatisfy { self.log($0).contains("Server is ready") }
                : (0..<nodes).contains { self.log($0).contains("new metadata leader") }
        }
    }

    /// Debian's path, or the first `nats-server` found in the usual binary directories.
    public static let serverPath: String = {
        let candidates = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server", "/usr/local/sbin/nats-server"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    /// Starts (or restarts) node `node` and waits until it accepts clients.
    public func start(_ node: Int, readyTimeoutSeconds: Double = 20) throws {
        precondition(processes[node] == nil, "node \(node) is running")
        starts[node] += 1
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.serverPath)
        process.arguments = ["-c", directory.file("n\(node).conf")]
        _ = FileManager.default.createFile(atPath: logPath(node), contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath(node)))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        processes[node] = process
        try "\(process.processIdentifier)".write(toFile: directory.file("n\(node).pid"), atomically: true, encoding: .utf8)
        try waitUntil(timeoutSeconds: readyTimeoutSeconds, "node \(node) to accept clients") { self.log(node).contains("Server is ready") }
    }

    /// SIGKILLs node `node` and waits for it to be gone.
    public func kill(_ node: Int) {
        guard let process = processes[node] else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        processes[node] = nil
        unlink(directory.file("n\(node).pid"))
    }

    /// SIGKILLs every node, ends the watchdog and removes the directory.
    public func stop() {
        for node in processes.indices { kill(node) }
        if let watchdog {
            Glibc.kill(watchdog.processIdentifier, SIGKILL)
            watchdog.waitUntilExit()
        }
        watchdog = nil
        directory.remove()
    }

    /// What node `node` logged since its last start.
    public func log(_ node: Int) -> String {
        (try? String(contentsOfFile: logPath(node), encoding: .utf8)) ?? ""
    }

    private func logPath(_ node: Int) -> String { directory.file("n\(node).\(starts[node]).log") }

    private func writeConfiguration(_ node: Int) throws {
        var text = """
            server_name: n\(node)
            listen: 127.0.0.1:\(clientPorts[node])
            jetstream { store_dir: "\(directory.file("data\(node)"))" }

            """
        if routePorts.count > 1 {
            let routes = routePorts.map { "nats-route://127.0.0.1:\($0)" }.joined(separator: ", ")
            text += "cluster { name: annals, listen: 127.0.0.1:\(routePorts[node]), routes: [\(routes)] }\n"
        }
        try text.write(toFile: directory.file("n\(node).conf"), atomically: true, encoding: .utf8)
    }

    /// A shell that outlives nothing: once this process is gone, it SIGKILLs the nodes whose
    /// pid files remain, then removes the directory.
    private func startWatchdog() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let dir = directory.path
        process.arguments = ["-c", """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            for f in '\(dir)'/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
            rm -rf '\(dir)'
            """]
        try process.run()
        watchdog = process
    }

    private func waitUntil(timeoutSeconds: Double, _ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while !condition() {
            guard Date() < deadline else { throw ClusterError("timed out after \(timeoutSeconds) s waiting for \(what)") }
            usleep(20_000)
        }
    }

    /// `count` distinct TCP ports that were free a moment ago (bound to port 0, then released).
    public static func freePorts(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        while ports.count < count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw ClusterError("socket() failed") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                    bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
                }
            }
            guard bound else { throw ClusterError("binding a free port failed") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

public struct ClusterError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
