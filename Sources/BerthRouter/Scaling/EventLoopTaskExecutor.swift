import NIOCore

/// Runs a task's jobs on one NIO event loop, so a client connection's task (reading the request,
/// admission, the replica round trip, writing the response) stays on the thread that owns its
/// channels: NIO's async channel writes and the upstream handler are then called directly instead
/// of hopping between the loop and Swift's global executor for every part.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
