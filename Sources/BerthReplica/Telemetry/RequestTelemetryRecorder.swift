import BerthCore
import Foundation
import Logging
import Synchronization

/// Takes request telemetry off the scoring path: `record` appends to a bounded queue under a lock
/// and returns; `run` writes what queued, in batches, to a `RequestTelemetrySink`.
///
/// Why the replica writes the lines (and not the router): the replica knows everything a line
/// holds once its request is answered — the request id (the router sends `x-ms-request-id`), the
/// deployment, endpoint version and models (given at start in `RequestTelemetryContext`), which
/// replica it is, how long it took and, for a failure, the exception text `run()` raised, which
/// the router only sees as a 502 — and the router's hot path stays as it is. As on Azure, where
/// the scoring container sends the request telemetry, requests the router answers itself (401,
/// 404, 503 when overloaded, 504 in its queue) never reach a replica and are not recorded here.
///
/// Bounded: at `capacity` queued lines a new one is dropped and counted (`dropped`, the
/// `berth_replica_telemetry_dropped_total` metric, and the sink's drop count, which
/// `berth service get-telemetry` reports), never waited for. A replica without a context has no
/// recorder, so a deployment without `appInsightsEnabled` pays nothing.
///
/// ```swift
/// let recorder = RequestTelemetryRecorder(sink: try RequestTelemetrySegments(folder: dir, replica: "r1"))
/// // in a task group beside the server:  try await recorder.run()
/// recorder.record(line)   // from the request path
/// recorder.finish()       // once no more requests come; run() returns after writing the rest
/// ```
package final class RequestTelemetryRecorder: Sendable {
    /// At most this many lines wait to be written; more are dropped and counted. Default 10 000.
    package let capacity: Int
    private let sink: any RequestTelemetrySink
    private let state: Mutex<State>
    private let signal: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let logger: Logger
    private let onDrop: @Sendable (_ reason: DropReason, _ count: Int) -> Void
    private let onWritten: @Sendable (_ count: Int) -> Void

    /// Why lines were not written.
    package enum DropReason: String, Sendable {
        /// The queue was full: the sink did not keep up.
        case queueFull = "queue_full"
        /// The sink failed to write a batch (disk full, folder removed).
        case writeFailed = "write_failed"
    }

    private struct State {
        var pending: [RequestTelemetry] = []
        /// Every line dropped, for `dropped`.
        var dropped = 0
        /// Lines the queue dropped that the sink has not been told of yet.
        var unreported = 0
        var finished = false
    }

    /// - Parameters:
    ///   - onDrop: told of every drop, e.g. to count it in a metric.
    ///   - onWritten: told of the lines of every batch written.
    package init(
        sink: any RequestTelemetrySink, capacity: Int = 10_000, logger: Logger = Logger(label: "berth.telemetry"),
        onDrop: @escaping @Sendable (_ reason: DropReason, _ count: Int) -> Void = { _, _ in },
        onWritten: @escaping @Sendable (_ count: Int) -> Void = { _ in }
    ) {
        precondition(capacity > 0, "A telemetry queue holds at least one line.")
        self.sink = sink
        self.capacity = capacity
        self.logger = logger
        self.onDrop = onDrop
        self.onWritten = onWritten
        self.state = Mutex(State())
        // One pending wake-up is enough: the writer takes everything queued when it wakes.
        (signal, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Lines dropped so far, for any reason.
    package var dropped: Int { state.withLock { $0.dropped } }

    /// Queues `line`; drops and counts it when `capacity` lines already wait or after `finish()`.
    package func record(_ line: RequestTelemetry) {
        // The writer takes the whole queue when it wakes, so only the first line of an empty
        // queue wakes it: under load, one wake-up (and one write) serves many requests.
        let (accepted, wasEmpty) = state.withLock { state in
            guard !state.finished, state.pending.count < capacity else {
                state.dropped += 1
                state.unreported += 1
                return (false, false)
            }
            state.pending.append(line)
            return (true, state.pending.count == 1)
        }
        if !accepted {
            onDrop(.queueFull, 1)
        } else if wasEmpty {
            wake.yield()
        }
    }

    /// No more lines come: `run` writes what is queued and returns.
    package func finish() {
        state.withLock { $0.finished = true }
        wake.finish()
    }

    /// Writes queued lines as they come, a batch per wake-up, until `finish()`; then writes the rest.
    package func run() async {
        for await _ in signal { await writePending() }
        await writePending()
        await sink.finish()
    }

    private func writePending() async {
        let batch = state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        var data = Data()
        for line in batch { data.append(line.jsonLine()) }
        let lines = batch.count
        do {
            try await sink.write(data, lines: lines)
        } catch {
            // A sink that wrote part of the batch says how much is missing; else all of it is.
            let lost = min(lines, (error as? RequestTelemetryUnwritten)?.lines ?? lines)
            state.withLock { $0.dropped += lost }
            onDrop(.writeFailed, lost)
            sink.countDropped(lost)
            if lost < lines { onWritten(lines - lost) }
            logger.warning(
                "Request telemetry lines could not be written and were dropped",
                metadata: ["lines": "\(lost)", "error": "\(error)"])
            return
        }
        onWritten(lines)
        let queueDrops = state.withLock { state in
            defer { state.unreported = 0 }
            return state.unreported
        }
        if queueDrops > 0 {
            sink.countDropped(queueDrops)
            logger.notice(
                "Request telemetry queue was full; lines were dropped", metadata: ["lines": "\(queueDrops)"])
        }
    }
}

/// Where a `RequestTelemetryRecorder` writes: size-capped files on this machine
/// (`RequestTelemetrySegments`), the control plane for a replica in a Kubernetes Pod
/// (`RequestTelemetryShipper`), or memory in tests.
package protocol RequestTelemetrySink: Sendable {
    /// Appends `data`, `lines` complete JSON lines, durably enough that a reader sees them next.
    func write(_ data: Data, lines: Int) async throws
    /// Adds `count` to the lines this sink reports as dropped.
    func countDropped(_ count: Int)
    /// No more lines come: hands over anything held (a drop count not yet reported).
    func finish() async
}

extension RequestTelemetrySink {
    package func finish() async {}
}

/// A sink's error when the end of a batch was not written: `lines` lines are lost, the rest kept.
package struct RequestTelemetryUnwritten: Error, CustomStringConvertible {
    /// The lines not written.
    package var lines: Int
    /// Why, for the log.
    package var reason: String

    package init(lines: Int, reason: String) {
        self.lines = lines
        self.reason = reason
    }

    package var description: String { reason }
}

extension RequestTelemetrySegments: RequestTelemetrySink {}
