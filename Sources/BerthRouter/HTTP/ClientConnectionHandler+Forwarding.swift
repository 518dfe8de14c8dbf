import BerthCore
import BerthMetrics
import Logging
import NIOCore
import NIOHTTP1

extension ClientConnectionHandler: UpstreamResponseSink {
    /// One forwarded request's way through admission, replicas and retries.
    struct Forwarding {
        enum Phase {
            /// Waiting for a slot (at once, or queued up to `maxQueueWaitMs`).
            case admitting
            case connecting
            case awaitingHead
            /// The replica's head went to the client; its body follows part by part.
            case relaying
            /// The replica answered 429: its body is read and dropped, then the request queues again.
            case droppingBusy(drained: Int)
        }

        var plan: RouterRequestHandler.ForwardPlan
        var phase = Phase.admitting
        /// Connections that could not be made for this request (each to a replica then passed over).
        var connectFailures = 0
        /// Until when a request whose connection could not be made goes back to admission however
        /// often: `maxQueueWaitMs` after it first asked, as long as it could have waited anyway.
        var waitsUntil: NIODeadline
        var busyRetries = 0
        /// When the scoring clock runs out: it starts when the request first leaves for a replica,
        /// not while it queues.
        var deadline: NIODeadline?
        /// Admission's token while the request waits in the queue.
        var waitToken: UInt64?
        var lease: AdmissionLease?
        var connection: UpstreamConnection?
        var reused = false
        /// Sends on the current lease (a kept connection found closed is replaced once).
        var attempt = 0
        /// When the request last asked admission and had to wait (for `queueWait`); nil when it did not.
        var queuedAt: RouterClock.Instant?
        /// When the request was last sent to a replica (for the upstream time); set with metrics only.
        var sentAt = RouterClock.Instant(nanoseconds: 0)
    }

    /// Largest 429 body read and dropped to keep the replica connection; a longer one closes it.
    static let busyBodyLimitBytes = 64 * 1024

    /// Connections a request may fail to make before it is answered 502 once its wait
    /// (`Forwarding.waitsUntil`) is over: enough for each replica of a small service dying at
    /// once, so a service that does not queue (`maxQueueWaitMs` 0) still tries its other replicas.
    static let maxConnectFailures = 4

    func forward(_ plan: RouterRequestHandler.ForwardPlan) {
        let wait = Int64(max(0, plan.route.maxQueueWaitMs))
        forwarding = Forwarding(plan: plan, waitsUntil: .now() + .milliseconds(wait))
        admit()
    }

    // MARK: Admission

    private func admit() {
        guard let context, let service = forwarding?.plan.service else { return }
        forwarding!.phase = .admitting
        switch shared.admission.acquire(service: service, on: context.eventLoop) {
        case .done(let outcome):
            admitted(outcome)
        case .waiting(let token, let future):
            forwarding!.waitToken = token
            if requestMeters != nil { forwarding!.queuedAt = RouterClock.now }
            future.assumeIsolated().whenSuccess { outcome in self.admitted(outcome) }
        }
    }

    private func admitted(_ outcome: AdmissionOutcome) {
        guard case .forwarding = state, forwarding != nil, let exchange else {
            // The client left while the request waited: the slot goes straight back.
            if case .assigned(let lease) = outcome { shared.admission.release(lease) }
            return
        }
        forwarding!.waitToken = nil
        let service = forwarding!.plan.service
        if let queuedAt = forwarding!.queuedAt.take(), let meters = requestMeters {
            meters.queueWait.record(queuedAt.duration(to: RouterClock.now), shard: shard)
        }
        switch outcome {
        case .assigned(let lease):
            forwarding!.lease = lease
            if let meters = requestMeters { replicaMeters = replicaMeters(of: meters, lease.replica.id) }
            if span != nil { traceReplica(lease.replica) }
            forwarding!.attempt = 0
            if forwarding!.deadline == nil {
                let timeout = Int64(max(1, forwarding!.plan.route.scoringTimeoutMs))
                forwarding!.deadline = .now() + .milliseconds(timeout)
            }
            send()
        case .unknownService:
            finish(shared.serviceNotFound(service, exchange))
        case .overloaded(let reason):
            shared.logger.debug("No replica free", metadata: ["service.name": "\(service)", "reason": "\(reason)"])
            finish(shared.overloaded(service, reason, exchange))
        case .cancelled:
            finish(shared.shuttingDown(exchange))
        }
    }

    /// The counters of replica `id` of the service of `meters`, from the last look-up when it was the same.
    private func replicaMeters(of meters: ServiceMeters, _ id: String) -> ReplicaMeters? {
        if let last = lastReplica, last.service === meters, last.id == id { return last.meters }
        let found = meters.replicas[id]
        lastReplica = (meters, id, found)
        return found
    }

    // MARK: Sending

    private func send() {
        guard let replica = forwarding?.lease?.replica, let upstreams else { return }
        forwarding!.attempt += 1
        if let kept = upstreams.kept(to: replica) { return send(on: kept, reused: true) }
        forwarding!.phase = .connecting
        upstreams.connect(to: replica).assumeIsolated().whenComplete { result in self.connected(result) }
    }

    private func connected(_ result: Result<UpstreamConnection, any Error>) {
        switch result {
        case .success(let connection):
            guard case .forwarding = state, case .connecting = forwarding?.phase else { return connection.close() }
            upstreams?.keep(connection)
            send(on: connection, reused: false)
        case .failure(let error):
            guard case .forwarding = state, case .connecting = forwarding?.phase else { return }
            failedBeforeHead(error as? ReplicaProxy.Failure ?? ReplicaProxy.Failure(kind: .connect, cause: error))
        }
    }

    private func send(on connection: UpstreamConnection, reused: Bool) {
        guard let deadline = forwarding?.deadline else { return }
        forwarding!.connection = connection
        forwarding!.reused = reused
        forwarding!.phase = .awaitingHead
        if requestMeters != nil { forwarding!.sentAt = RouterClock.now }
        let sent = connection.handler.send(
            forwarding!.plan.request, host: connection.hostHeader, deadline: deadline, sink: self)
        if !sent {
            upstreamFailed(
                ReplicaProxy.Failure(kind: .stale, cause: ChannelError.ioOnClosedChannel), receivedAny: false)
        }
    }

    // MARK: The replica's answer

    func upstreamHead(_ head: ResponseHead) {
        guard case .forwarding = state, forwarding != nil, let context, let exchange else { return }
        if head.status == .tooManyRequests {
            // The replica is at its own bound although this router counted room (another router,
            // or fewer workers than maxConcurrentRequestsPerContainer): treat it as full and queue again.
            forwarding!.phase = .droppingBusy(drained: 0)
            return
        }
        forwarding!.phase = .relaying
        if let meters = requestMeters {
            meters.upstream.record(forwarding!.sentAt.duration(to: RouterClock.now), shard: shard)
            if let milliseconds = head.runMilliseconds { meters.run.record(milliseconds: milliseconds, shard: shard) }
        }
        // A 500 whose run() raised becomes 502 with the replica's body, as azureml-fe does.
        let status: HTTPResponseStatus =
            head.status == .internalServerError && head.runFailed ? .badGateway : head.status
        // The body's framing toward the client: the replica's length, else chunks (HTTP/1.1
        // clients) or the connection's end (HTTP/1.0 ones).
        let length = status == .noContent ? nil : head.contentLength
        if length == nil && !ResponseEncoding.hasNoBody(status) {
            if exchange.isHTTP10 {
                self.exchange?.keepAlive = false
            } else {
                chunkedToClient = true
            }
        }
        let stamped = self.exchange ?? exchange
        let headBytes =
            ResponseEncoding.statusLineBytes(status) + head.endToEndLines.readableBytes
            + HeadWriter.contentLengthLineBytes
            + shared.stampBytes(stamped)
        // Room for a small body too: it is copied behind the head (`relay`).
        let bodyRoom = min(length ?? 256, Self.coalescedBodyBytes)
        var bytes = outbound.take(reserving: headBytes + bodyRoom, allocator: context.channel.allocator)
        bytes.writeHead(maxBytes: headBytes) { writer in
            ResponseEncoding.appendStatusLine(status, to: &writer)
            writer.append(head.endToEndLines)
            if let length {
                writer.appendContentLength(length)
            } else if chunkedToClient {
                writer.append("Transfer-Encoding: chunked\r\n")
            }
            shared.appendStamps(stamped, status: status, to: &writer)
        }
        countAnswer(status)
        unwritten = bytes
    }

    func upstreamBody(_ part: ByteBuffer) {
        guard case .forwarding = state, let phase = forwarding?.phase else { return }
        switch phase {
        case .relaying:
            guard part.readableBytes > 0 else { return }
            relay(part)
        case .droppingBusy(let drained):
            let total = drained + part.readableBytes
            guard total > Self.busyBodyLimitBytes else {
                forwarding!.phase = .droppingBusy(drained: total)
                return
            }
            dropConnection()
            busyAnswered()
        case .admitting, .connecting, .awaitingHead:
            break
        }
    }

    func upstreamEnd() {
        guard case .forwarding = state, let phase = forwarding?.phase else { return }
        forwarding!.connection = nil  // Idle again and kept in `upstreams` for the next request.
        switch phase {
        case .relaying:
            releaseLease()
            forwarding = nil
            endResponse()
        case .droppingBusy:
            busyAnswered()
        case .admitting, .connecting, .awaitingHead:
            break
        }
    }

    func upstreamReadComplete() {
        guard case .relaying = forwarding?.phase, let context else { return }
        writeUnwritten()
        context.flush()
    }

    /// Bodies up to this size are copied behind the head instead of written on their own.
    static let coalescedBodyBytes = 4096

    /// Passes a body part of the relayed response on (framed as a chunk when `chunkedToClient`):
    /// a small one is copied behind what is not written yet; a large one is written on its own.
    private func relay(_ part: ByteBuffer) {
        guard let context else { return }
        var part = part
        let count = part.readableBytes
        if unwritten == nil {
            unwritten = outbound.take(
                reserving: min(count, Self.coalescedBodyBytes) + 24, allocator: context.channel.allocator)
        }
        if chunkedToClient { unwritten!.writeChunkStart(count) }
        if count <= Self.coalescedBodyBytes {
            unwritten!.writeBuffer(&part)
            if chunkedToClient { unwritten!.writeStaticString("\r\n") }
        } else {
            writeUnwritten()
            context.write(wrapOutboundOut(part), promise: nil)
            if chunkedToClient { unwritten = ResponseEncoding.chunkEnd }
        }
    }

    private func writeUnwritten() {
        guard let bytes = unwritten else { return }
        unwritten = nil
        context?.write(wrapOutboundOut(bytes), promise: nil)
        outbound.keep(bytes)
    }

    var canTakeBody: Bool { context?.channel.isWritable ?? true }

    func upstreamFailed(_ failure: ReplicaProxy.Failure, receivedAny: Bool) {
        guard case .forwarding = state, let phase = forwarding?.phase else { return }
        dropConnection()
        switch phase {
        case .relaying:
            // The head is out, so the status cannot change any more: closing the connection is
            // the only way left to tell the client the body is incomplete.
            shared.logger.debug("Response body broke off", metadata: ["error": "\(failure)"])
            if span != nil { traceBrokenResponse() }
            unwritten = nil
            releaseLease()
            forwarding = nil
            context?.close(promise: nil)
        case .droppingBusy:
            busyAnswered()
        case .admitting, .connecting, .awaitingHead:
            // A kept connection the replica closed while it was idle is replaced by a new one
            // once, before anything was received, as nginx does with its keep-alive pool.
            let stale = failure.kind == .stale || (failure.kind == .broken && forwarding!.reused && !receivedAny)
            if stale && forwarding!.attempt == 1 { return send() }
            failedBeforeHead(stale ? ReplicaProxy.Failure(kind: .broken, cause: failure.cause) : failure)
        }
    }

    // MARK: Outcomes

    /// No response head came: 502 or 504, unless no connection could be made.
    ///
    /// A connection that could not be made carried no byte of the request, so the request goes
    /// back to admission whatever its method, and the replica is passed over for a while
    /// (`AdmissionStateMachine.Policy.unreachableReplicaBackoff`): a killed replica stays in the
    /// route table until the control plane learns of its death, and each request sent its way
    /// until then failed. With no other replica the request waits, as any request does, up to
    /// `maxQueueWaitMs`, for the restarted one, trying the old one again after each backoff.
    private func failedBeforeHead(_ failure: ReplicaProxy.Failure) {
        guard let lease = forwarding?.lease, let exchange else { return }
        let unreachable = failure.kind == .connect
        forwarding!.lease = nil
        if unreachable, let eventLoop = context?.eventLoop {
            shared.admission.releaseUnreachable(lease, wakingWaitersOn: eventLoop)
        } else {
            shared.admission.release(lease)
        }
        shared.logger.debug(
            "Replica gave no response", metadata: ["replica.id": "\(lease.replica.id)", "error": "\(failure)"])
        // A lone replica that is restarting refuses every second (each backoff), for as long as
        // its restart takes: the request waits for it as long as it would have queued for it.
        let mayWait = NIODeadline.now() < forwarding!.waitsUntil
        if unreachable, mayWait || forwarding!.connectFailures < Self.maxConnectFailures {
            forwarding!.connectFailures += 1
            forwarding!.deadline = nil  // No replica had the request: its scoring clock has not started.
            return admit()
        }
        finish(shared.response(for: failure, forwarding!.plan.service, forwarding!.plan.route, exchange))
    }

    /// The replica answered 429: its slot counts as busy for a while, and the request queues
    /// again up to `maxBusyRetries` times before it gets 503.
    private func busyAnswered() {
        guard let lease = forwarding?.lease, let exchange else { return }
        forwarding!.lease = nil
        shared.admission.release(lease, replicaWasBusy: true)
        replicaMeters?.busy?.increment(shard: shard)
        shared.logger.debug("Replica answered 429", metadata: ["replica.id": "\(lease.replica.id)"])
        forwarding!.busyRetries += 1
        if forwarding!.busyRetries <= shared.maxBusyRetries { return admit() }
        let route = forwarding!.plan.route
        finish(
            shared.overloaded(
                forwarding!.plan.service,
                .allReplicasBusy(
                    replicas: route.replicas.count, maxConcurrent: route.maxConcurrentRequestsPerContainer),
                exchange))
    }

    /// Answers the forwarded request with a response of the router's own.
    private func finish(_ response: RouterResponse) {
        releaseLease()
        forwarding = nil
        respond(response)
    }

    private func releaseLease() {
        guard let lease = forwarding?.lease else { return }
        forwarding!.lease = nil
        shared.admission.release(lease)
    }

    /// Closes the current replica connection without reading the rest of its response.
    private func dropConnection() {
        guard let connection = forwarding?.connection else { return }
        forwarding!.connection = nil
        upstreams?.discard(connection)
    }

    /// The client went away: leaves the queue, closes the replica connection, frees the slot.
    func abandonForwarding() {
        guard let current = forwarding else { return }
        forwarding = nil
        if let token = current.waitToken { shared.admission.cancel(service: current.plan.service, token: token) }
        if let connection = current.connection { upstreams?.discard(connection) }
        if let lease = current.lease { shared.admission.release(lease) }
    }
}
