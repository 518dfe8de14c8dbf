import BerthCore
import BerthTesting
import Testing

@testable import BerthReplica

private typealias TestInstant = ManualInstant

private typealias Machine = WorkerPoolStateMachine<String, TestInstant>

private func at(_ milliseconds: Int) -> TestInstant { TestInstant(offset: .milliseconds(milliseconds)) }

private func machine(workers: Int = 1, maxConcurrent: Int = 2, timeout: Duration = .seconds(1)) -> Machine {
    Machine(
        policy: .init(
            workerCount: workers, maxConcurrent: maxConcurrent, scoringTimeout: timeout,
            backoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(1))))
}

/// Starts every slot and makes each worker ready at time 0.
private func readyMachine(workers: Int = 1, maxConcurrent: Int = 2, timeout: Duration = .seconds(1)) -> (
    Machine, [WorkerID]
) {
    var machine = machine(workers: workers, maxConcurrent: maxConcurrent, timeout: timeout)
    let started = machine.start()
    for worker in started {
        machine.workerSpawned(worker, pid: 100 + Int32(worker.slot))
        _ = machine.workerReady(worker, now: at(0))
    }
    return (machine, started)
}

struct WorkerPoolStateMachineTests {
    @Test("A request goes to an idle worker; the next waits in the queue and follows the answer")
    func dispatchAndQueue() throws {
        var (machine, workers) = readyMachine()
        #expect(machine.isReady)
        guard case .dispatch(let first) = machine.submit("a", now: at(0)) else { Issue.record("not dispatched"); return }
        #expect(first.worker == workers[0])
        guard case .queued = machine.submit("b", now: at(1)) else { Issue.record("not queued"); return }
        let progress = machine.workerResponded(workers[0], jobID: first.jobID, now: at(5))
        #expect(progress.complete == "a")
        #expect(progress.dispatch?.job == "b")
        #expect(machine.inFlight == 1)
    }

    @Test("Beyond maxConcurrent in flight, a request is rejected as overloaded")
    func overloaded() {
        var (machine, _) = readyMachine(maxConcurrent: 1)
        _ = machine.submit("a", now: at(0))
        guard case .reject(let job, .overloaded) = machine.submit("b", now: at(0)) else {
            Issue.record("not rejected")
            return
        }
        #expect(job == "b")
    }

    @Test("A request past the scoring timeout fails as timedOut and its worker is killed, then restarted at once")
    func scoringTimeoutKillsWorker() {
        var (machine, workers) = readyMachine(timeout: .milliseconds(500))
        _ = machine.submit("a", now: at(0))
        #expect(machine.tick(now: at(499)).isEmpty)
        let actions = machine.tick(now: at(500))
        #expect(actions.contains { if case .fail("a", .timedOut) = $0 { true } else { false } })
        #expect(actions.contains { if case .kill(workers[0], _) = $0 { true } else { false } })
        let exit = machine.workerExited(workers[0], reason: "killed by signal 9", now: at(510))
        #expect(exit.restartDelay == .zero)
        #expect(machine.tick(now: at(510)).contains { if case .spawn = $0 { true } else { false } })
    }

    @Test("A worker that dies mid-request fails that request as workerCrashed and restarts with back-off")
    func crashFailsRequest() {
        var (machine, workers) = readyMachine()
        _ = machine.submit("a", now: at(0))
        let exit = machine.workerExited(workers[0], reason: "killed by signal 9", now: at(10))
        #expect(exit.fail?.0 == "a")
        #expect(exit.fail?.1 == .workerCrashed)
        #expect(exit.restartDelay == .milliseconds(100))
        #expect(machine.tick(now: at(50)).isEmpty)
        #expect(machine.tick(now: at(110)).contains { if case .spawn = $0 { true } else { false } })
    }

    @Test("init() failing again and again backs off exponentially up to the cap")
    func initFailureBackoff() {
        var machine = machine()
        var worker = machine.start()[0]
        var delays: [Duration] = []
        var now = 0
        for _ in 0..<6 {
            machine.workerInitFailed(worker, error: "Traceback…\nRuntimeError: boom")
            let exit = machine.workerExited(worker, reason: "exit code 3", now: at(now))
            delays.append(exit.restartDelay ?? .zero)
            now += 2000
            let spawned = machine.tick(now: at(now)).compactMap { if case .spawn(let id) = $0 { id } else { nil } }
            worker = spawned[0]
        }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
            ])
        #expect(machine.slots[0].lastError?.contains("RuntimeError: boom") == true)
    }

    @Test("When every worker is failing, new requests get noHealthyWorker and queued ones are failed")
    func noHealthyWorker() {
        var machine = machine()
        let worker = machine.start()[0]
        guard case .queued = machine.submit("early", now: at(0)) else {
            Issue.record("a request during the first start should wait")
            return
        }
        machine.workerInitFailed(worker, error: "RuntimeError: boom")
        let exit = machine.workerExited(worker, reason: "exit code 3", now: at(10))
        #expect(exit.failQueued == ["early"])
        #expect(machine.inFlight == 0)
        guard case .reject(_, .noHealthyWorker) = machine.submit("late", now: at(20)) else {
            Issue.record("not rejected")
            return
        }
    }

    @Test("Shutdown answers requests in flight first, then closes the workers' input")
    func gracefulShutdown() {
        var (machine, workers) = readyMachine(workers: 2)
        guard case .dispatch(let first) = machine.submit("a", now: at(0)) else { return }
        #expect(machine.beginShutdown(now: at(1)).isEmpty, "nothing closes while a request is in flight")
        guard case .reject(_, .shuttingDown) = machine.submit("b", now: at(2)) else {
            Issue.record("accepted during shutdown")
            return
        }
        let progress = machine.workerResponded(first.worker, jobID: first.jobID, now: at(3))
        #expect(progress.complete == "a")
        let closing = machine.tick(now: at(4)).compactMap { if case .closeInput(let id) = $0 { id } else { nil } }
        #expect(Set(closing + [progress.closeInput].compactMap { $0 }) == Set(workers))
        for worker in workers { _ = machine.workerExited(worker, reason: "exit code 0", now: at(5)) }
        #expect(machine.isStopped)
    }

    @Test("A late event from a replaced worker generation is ignored")
    func staleGenerationIgnored() {
        var (machine, workers) = readyMachine()
        _ = machine.workerExited(workers[0], reason: "exit code 1", now: at(0))
        _ = machine.tick(now: at(200))
        let stale = machine.workerExited(workers[0], reason: "exit code 1", now: at(210))
        #expect(stale.restartDelay == nil)
        #expect(machine.slots[0].state.name == "starting")
    }
}
