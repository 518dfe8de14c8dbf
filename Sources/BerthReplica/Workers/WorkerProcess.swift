import BerthCore
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One running `python -m berth_worker` process and the NIO channels on its pipes.
///
/// Its stdin and stdout carry frames (one duplex pipe channel); its stderr is a second channel
/// read line by line into the replica log. NIO owns duplicates of the pipe descriptors, so the
/// event loops never block on the worker.
final class WorkerProcess: Sendable {
    let id: WorkerID
    let pid: Int32
    private let process: Process
    private let frames: any Channel

    private init(id: WorkerID, process: Process, frames: any Channel) {
        self.id = id
        self.pid = process.processIdentifier
        self.process = process
        self.frames = frames
    }

    /// Starts the process for `id` and connects its pipes to `events`.
    ///
    /// - Parameters:
    ///   - onExit: called once, on a Foundation thread, with a description of how it ended.
    /// - Throws: when the process cannot be started; nothing is left running then.
    static func spawn(
        id: WorkerID,
        launch: WorkerLaunch,
        group: any EventLoopGroup,
        onMessage: @escaping @Sendable (WorkerID, Result<WorkerMessage, any Error>) -> Void,
        onExit: @escaping @Sendable (WorkerID, String) -> Void
    ) async throws -> WorkerProcess {
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        let process = Process()
        process.executableURL = launch.python
        process.arguments = launch.arguments
        process.environment = launch.environment(forSlot: id.slot)
        process.currentDirectoryURL = launch.sourceDirectory
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { process in onExit(id, ProcessTermination(process).description) }
        try process.run()

        // NIO takes its own close-on-exec copies; Foundation's handles are closed right away so
        // that closing NIO's stdin copy is the EOF that tells the worker to exit.
        let toWorker = duplicate(input.fileHandleForWriting)
        let fromWorker = duplicate(output.fileHandleForReading)
        let workerErrors = duplicate(errors.fileHandleForReading)
        guard toWorker >= 0, fromWorker >= 0, workerErrors >= 0 else {
            for fd in [toWorker, fromWorker, workerErrors] where fd >= 0 { close(fd) }
            sendSignal(process.processIdentifier, SIGKILL)
            throw WorkerProtocolError("no pipe (dup failed with errno \(errno))")
        }
        do {
            // Reading starts once the pool registered the process (`startReading`), so a fast
            // `ready` frame never finds the pool without a process to send requests to.
            let frames = try await NIOPipeBootstrap(group: group)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WorkerFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(
                            WorkerFrameHandler(id: id, onMessage: onMessage))
                    }
                }
                .takingOwnershipOfDescriptors(input: fromWorker, output: toWorker)
                .get()
            _ = try await NIOPipeBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                        try channel.pipeline.syncOperations.addHandler(WorkerLogHandler(prefix: "\(id)"))
                    }
                }
                .takingOwnershipOfDescriptor(input: workerErrors)
                .get()
            return WorkerProcess(id: id, process: process, frames: frames)
        } catch {
            sendSignal(process.processIdentifier, SIGKILL)
            throw error
        }
    }

    /// Starts reading frames from the worker.
    func startReading() {
        let frames = self.frames
        frames.setOption(.autoRead, value: true).whenSuccess { frames.read() }
    }

    /// Sends request `jobID`; a large body goes as its own write so it is never copied.
    func send(_ request: WorkerRequest, jobID: UInt64) {
        let (head, body) = request.encodeFrame(id: jobID, allocator: frames.allocator)
        guard let body else {
            frames.writeAndFlush(head, promise: nil)
            return
        }
        let frames = self.frames
        frames.eventLoop.execute {
            frames.write(head, promise: nil)
            frames.writeAndFlush(body, promise: nil)
        }
    }

    /// Closes the worker's stdin: EOF makes it exit with code 0.
    func closeInput() {
        let frames = self.frames
        frames.close(mode: .output).whenFailure { _ in frames.close(promise: nil) }
    }

    /// Ends the process at once (SIGKILL); its exit is reported through `onExit`.
    func kill() {
        if process.isRunning { sendSignal(pid, SIGKILL) }
    }
}

private func sendSignal(_ pid: Int32, _ signal: Int32) {
    _ = kill(pid, signal)
}

private func duplicate(_ handle: FileHandle) -> Int32 {
    let fd = fcntl(handle.fileDescriptor, F_DUPFD_CLOEXEC, 0)
    try? handle.close()
    return fd
}

/// Turns decoded frames into messages for the pool.
private final class WorkerFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WorkerFrame

    let id: WorkerID
    let onMessage: @Sendable (WorkerID, Result<WorkerMessage, any Error>) -> Void
    private let decoder = JSONDecoder()

    init(id: WorkerID, onMessage: @escaping @Sendable (WorkerID, Result<WorkerMessage, any Error>) -> Void) {
        self.id = id
        self.onMessage = onMessage
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        onMessage(id, Result { try WorkerMessage(frame: frame, decoder: decoder) })
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A broken frame stream cannot be resynchronised: report it, the pool kills the worker.
        onMessage(id, .failure(error))
        context.close(promise: nil)
    }
}
