import BerthCore
import Foundation
import Synchronization
import Testing

@testable import BerthControlPlane

/// Build steps run with swift-subprocess: output streamed line by line (stdout and stderr
/// interleaved), the ending described by `ProcessTermination`, cancellation stopping the process.
struct ChildProcessTests {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    @Test(
        "Both streams reach onLine and the log in order; a last line without newline is kept", .timeLimit(.minutes(1)))
    func streams() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("berth-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logFile = folder.appendingPathComponent("build.log")
        let lines = Lines()
        let outcome = try await ChildProcess.run(
            "/bin/sh", ["-c", "echo one; echo two >&2; printf three"], environment: ["PATH": "/usr/bin:/bin"],
            logFile: logFile, onLine: { lines.append($0) })
        #expect(outcome.isSuccess)
        #expect(outcome.termination == .exited(0))
        #expect(lines.all == ["one", "two", "three"])
        #expect(outcome.tail == ["one", "two", "three"])
        let log = try String(contentsOf: logFile, encoding: .utf8)
        #expect(log.hasSuffix("one\ntwo\nthree"), "\(log)")
        #expect(log.hasPrefix("$ /bin/sh -c "))
    }

    @Test("An exit status and a signal are told apart", .timeLimit(.minutes(1)))
    func endings() async throws {
        let failed = try await ChildProcess.run(
            "/bin/sh", ["-c", "exit 3"], environment: [:], logFile: nil, onLine: { _ in })
        #expect(failed.termination.description == "exit code 3")
        let killed = try await ChildProcess.run(
            "/bin/sh", ["-c", "kill -9 $$"], environment: [:], logFile: nil, onLine: { _ in })
        #expect(killed.termination.description == "killed by signal 9 (SIGKILL)")
        #expect(!killed.isSuccess)
    }

    @Test("A command that cannot start is a BerthError naming it", .timeLimit(.minutes(1)))
    func missingExecutable() async throws {
        await #expect(throws: BerthError.self) {
            try await ChildProcess.run(
                "/nonexistent/berth-no-such-tool", [], environment: [:], logFile: nil, onLine: { _ in })
        }
    }

    @Test("Cancelling the task stops the process", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let (started, startedLine) = AsyncStream.makeStream(of: Void.self)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await ChildProcess.run(
                        "/bin/sh", ["-c", "echo started; exec sleep 30"], environment: ["PATH": "/usr/bin:/bin"],
                        logFile: nil, onLine: { _ in startedLine.yield() })
                }
                for await _ in started { break }
                group.cancelAll()
                _ = try? await group.next()
            }
        }
        #expect(elapsed < .seconds(20))
    }

    @Test("A task cancelled before the process starts does not wait for it", .timeLimit(.minutes(1)))
    func cancelledBeforeStart() async throws {
        let clock = ContinuousClock()
        let elapsed = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                group.cancelAll()
                group.addTask {
                    _ = try? await ChildProcess.run(
                        "/bin/sh", ["-c", "exec sleep 30"], environment: ["PATH": "/usr/bin:/bin"], logFile: nil,
                        onLine: { _ in })
                }
            }
        }
        #expect(elapsed < .seconds(20))
    }
}
