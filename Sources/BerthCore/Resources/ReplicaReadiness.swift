/// What a replica's `GET /ready` answers (200 when ready, 503 when not), as one type both sides
/// use: the replica host writes it, the local backend's probe reads it.
public struct ReplicaReadiness: Codable, Sendable, Hashable {
    /// Every worker has finished `init()` and the replica takes requests.
    public var ready: Bool
    public var workers: [Worker]

    /// One Python worker of the replica.
    public struct Worker: Codable, Sendable, Hashable {
        /// Its slot in the replica's pool (0-based).
        public var worker: Int
        /// `starting`, `ready`, `busy`, `backoff`, `initFailed`, `stopped`…
        public var state: String
        /// Failures in a row (init() raising, exits), reset by a success.
        public var failures: Int
        public var pid: Int?
        /// Its last error, summarized to one line.
        public var lastError: String?

        public init(worker: Int, state: String, failures: Int, pid: Int? = nil, lastError: String? = nil) {
            self.worker = worker
            self.state = state
            self.failures = failures
            self.pid = pid
            self.lastError = lastError
        }
    }

    public init(ready: Bool, workers: [Worker]) {
        self.ready = ready
        self.workers = workers
    }

    /// The worker with the longest failure streak (the last of equals), if any failed: what a
    /// replica's status shows.
    public var worstWorker: Worker? {
        workers.reduce(nil) { worst, worker in
            worker.failures > 0 && worker.failures >= (worst?.failures ?? 0) ? worker : worst
        }
    }
}
