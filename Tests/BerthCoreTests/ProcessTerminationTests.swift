import BerthCore
import Foundation
import Testing

/// The one description of how a child process ended, which replica status, logs and build errors
/// show.
struct ProcessTerminationTests {
    @Test("An exit reads 'exit code N'; a signal reads 'killed by signal N (NAME)'")
    func descriptions() {
        #expect(ProcessTermination.exited(0).description == "exit code 0")
        #expect(ProcessTermination.exited(3).description == "exit code 3")
        #expect(ProcessTermination.killed(by: SIGKILL).description == "killed by signal \(SIGKILL) (SIGKILL)")
        #expect(ProcessTermination.killed(by: SIGTERM).description == "killed by signal \(SIGTERM) (SIGTERM)")
        #expect(ProcessTermination.killed(by: 64).description == "killed by signal 64")
        #expect(ProcessTermination.exited(0).isSuccess)
        #expect(!ProcessTermination.exited(1).isSuccess)
        #expect(!ProcessTermination.killed(by: SIGKILL).isSuccess)
    }

    @Test("A process that kills itself with SIGKILL is described as killed by signal 9", .timeLimit(.minutes(1)))
    func fromProcess() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "kill -9 $$"]
        try process.run()
        process.waitUntilExit()
        #expect(ProcessTermination(process) == .killed(by: 9))
        #expect(ProcessTermination(process).description == "killed by signal 9 (SIGKILL)")
    }
}
