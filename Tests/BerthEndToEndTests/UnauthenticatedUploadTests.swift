import BerthCore
import BerthTesting
import Foundation
import Synchronization
import Testing

/// A real `berth router` process under many unauthenticated large uploads at once: each gets its
/// 401 before its body is read and the process's memory stays flat, because a refused body is
/// dropped as it arrives instead of collected.
struct UnauthenticatedUploadTests {
    @Test(.timeLimit(.minutes(3))) func fiftyUnauthenticatedUploadsLeaveMemoryFlat() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A key-auth service whose replica address is never reached: every upload lacks the key.
        let table = RouteTable(
            generation: 1,
            services: [
                "svc": ServiceRoute(
                    name: "svc", authEnabled: true, keyDigests: [String(repeating: "0", count: 64)],
                    replicas: [ReplicaEndpoint(id: "svc-0", port: 9)])
            ])
        let routes = directory.url.appendingPathComponent("routes.json")
        try JSONEncoder().encode(table).write(to: routes)
        let router = try ChildProcess(
            executable: TestPaths.berthExecutable,
            arguments: ["router", "--routes", routes.path, "--port", "0", "--log-level", "warning"],
            stdoutFile: directory.url.appendingPathComponent("router.out"),
            stderrFile: directory.url.appendingPathComponent("router.err"))
        defer { router.send(SIGKILL) }
        let address = try await router.listeningAddress(within: .seconds(30))
        let port = try #require(address.split(separator: ":").last.flatMap { Int($0) })

        let before = try Self.residentBytes(pid: router.pid)
        let peak = Atomic<Int>(before)
        let outcomes = Mutex<[String]>([])
        let done = Atomic<Int>(0)
        let clients = 50
        for _ in 0..<clients {
            Thread.detachNewThread {
                defer { done.add(1, ordering: .relaxed) }
                outcomes.withLock { $0.append(Self.upload(port: port)) }
            }
        }
        while done.load(ordering: .relaxed) < clients {
            if let now = try? Self.residentBytes(pid: router.pid) { peak.max(now) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let results = outcomes.withLock { $0 }
        #expect(results.count == clients)
        #expect(results.allSatisfy { $0.hasPrefix("HTTP/1.1 401 Unauthorized") }, "\(Set(results))")
        let grown = peak.load(ordering: .relaxed) - before
        #expect(grown < 40 * 1024 * 1024, "RSS grew by \(grown / 1024 / 1024) MiB under \(clients) uploads")
        #expect(router.exit == nil, "the router is still running")
    }

    /// Announces a 90 MB body without a key, sends up to 90 MB of it until the router closes, and
    /// returns the status line it answered with (or what went wrong).
    private static func upload(port: Int) -> String {
        guard let socket = try? RawSocket(port: port) else { return "connect failed" }
        defer { socket.close() }
        let head = "POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nContent-Length: 90000000\r\n\r\n"
        guard (try? socket.send(Data(head.utf8))) != nil else { return "head not sent" }
        let chunk = Data(count: 256 * 1024)
        var sent = 0
        while sent < 90_000_000, (try? socket.send(chunk)) != nil { sent += chunk.count }
        let answer = String(decoding: socket.receive { _ in false }, as: UTF8.self)
        return answer.split(separator: "\r\n").first.map(String.init) ?? "no answer after \(sent) bytes"
    }

    /// VmRSS of `pid`, from /proc.
    private static func residentBytes(pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").compactMap({ Int($0) }).first
        else { throw TestProcessError("No VmRSS for \(pid).") }
        return kilobytes * 1024
    }
}

extension Atomic where Value == Int {
    fileprivate func max(_ value: Int) {
        var current = load(ordering: .relaxed)
        while value > current {
            let (exchanged, original) = compareExchange(expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}

/// The admin API stays on loopback without TLS: `berth server --admin-host` with another address is
/// refused before anything starts, with a message saying how to expose scoring instead.
struct AdminBindingTests {
    @Test(.timeLimit(.minutes(1))) func adminAPIBeyondLoopbackIsRefused() async throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let result = try await BerthCLI.run(
            ["server", "--home", home.url.path, "--admin-host", "0.0.0.0", "--admin-port", "0", "--router-port", "0"])
        #expect(result.exit.code != 0)
        #expect(result.stderr.contains("--admin-host 0.0.0.0 would expose the admin API"), "\(result.stderr)")
        #expect(result.stderr.contains("--host"))
        #expect(!FileManager.default.fileExists(atPath: home.url.appendingPathComponent("server.json").path))
    }
}
