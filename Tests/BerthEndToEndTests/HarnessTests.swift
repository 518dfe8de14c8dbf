import BerthTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process harness itself: a server a failing test never stopped does not outlive it.
struct HarnessTests {
    @Test(.timeLimit(.minutes(2)))
    func aForgottenServerIsKilled() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let pid = try await Self.startAndForget(home: folder.appending("home"))
        let deadline = ContinuousClock.now + .seconds(30)
        while kill(pid, 0) == 0 {
            try #require(ContinuousClock.now < deadline, "berth server \(pid) still runs")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Starts a server and drops it, as a test that throws before `stop()` would.
    private static func startAndForget(home: URL) async throws -> Int32 {
        let server = try await BerthServer.start(home: home)
        return server.process.pid
    }
}
