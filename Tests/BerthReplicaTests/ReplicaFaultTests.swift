import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real faults: workers killed with SIGKILL, run() past the timeout, more requests than the bound,
/// bodies of 100 MB and over the limit.
@Suite(.timeLimit(.minutes(3)))
struct ReplicaFaultTests {
    @Test("kill -9 of a worker mid-request gives that request a 502; the worker is restarted and serves again")
    func workerKilledMidRequest() async throws {
        try await withReplica(corpus: "slow", environment: ["SLEEP_MS": "3000"]) { replica in
            let before = try #require(try await workerPIDs(replica).first)
            async let inFlight = TestHTTP.post("\(replica.baseURL)/score", "{}")
            try await replica.waitUntil { try await busy(replica) }
            kill(before, SIGKILL)
            let response = try await inFlight
            #expect(response.status == 502)
            try await replica.waitUntil {
                let pids = try await workerPIDs(replica)
                let status = try await TestHTTP.get("\(replica.baseURL)/ready").status
                return pids.count == 1 && pids[0] != before && status == 200
            }
            #expect(replica.log.contains("killed by signal 9"))
            let after = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(after.status == 200)
        }
    }

    @Test("run() past --scoring-timeout-ms gets a 504 and its worker is replaced")
    func scoringTimeout() async throws {
        try await withReplica(
            corpus: "slow", extraArguments: ["--scoring-timeout-ms", "500"], environment: ["SLEEP_MS": "5000"]
        ) { replica in
            let before = try #require(try await workerPIDs(replica).first)
            let response = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(response.status == 504)
            #expect(response.text.contains("Scoring timeout after 500 ms"))
            try await replica.waitUntil {
                let pids = try await workerPIDs(replica)
                let status = try await TestHTTP.get("\(replica.baseURL)/ready").status
                return pids.count == 1 && pids[0] != before && status == 200
            }
            #expect(kill(before, 0) != 0, "the timed-out worker still runs")
        }
    }

    @Test("Beyond --max-concurrent, a request gets 429 at once, not after the request in flight")
    func overBoundGets429() async throws {
        try await withReplica(corpus: "slow", environment: ["SLEEP_MS": "5000"]) { replica in
            let results = try await withThrowingTaskGroup(of: (Int, ContinuousClock.Instant).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let response = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
                        return (response.status, ContinuousClock.now)
                    }
                }
                return try await group.reduce(into: [(Int, ContinuousClock.Instant)]()) { $0.append($1) }
            }.sorted { $0.0 < $1.0 }
            #expect(results.map(\.0) == [200, 429])
            // Ordering, not a clock budget: the 429 must not have waited for the 5 s request.
            #expect(results[1].1 < results[0].1, "the 429 came after the request in flight finished")
        }
    }

    @Test("With two workers and --max-concurrent 4, requests wait for a free worker instead of failing")
    func requestsQueueForWorkers() async throws {
        try await withReplica(
            corpus: "slow", extraArguments: ["--workers", "2", "--max-concurrent", "4"],
            environment: ["SLEEP_MS": "300"]
        ) { replica in
            let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let response = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
                        let pid = (try? response.json() as? [String: Any])?["pid"] as? Int
                        return (response.status, pid.map(String.init) ?? "")
                    }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == 200 })
            #expect(Set(statuses.map(\.1)).count == 2, "both workers served")
        }
    }

    @Test("A 100 MB body reaches run() whole, binary-safe as UTF-8 text")
    func hundredMegabyteBody() async throws {
        let source = try makeFolder([
            "score.py": """
            import hashlib
            def init(): pass
            def run(raw): return {"length": len(raw), "sha256": hashlib.sha256(raw.encode()).hexdigest()}
            """
        ])
        defer { try? FileManager.default.removeItem(at: source) }
        try await withReplica(sourceDirectory: source) { replica in
            // One fill, not millions of small writes: a debug build would spend seconds here and
            // starve the other tests sharing the concurrency pool.
            let size = 100 * 1024 * 1024
            var body = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
            body.setString("0123456789abcdefghijklmnopqrstuvwxyz\n", at: 0)
            let response = try await TestHTTP.send(
                .POST, "\(replica.baseURL)/score", body: body, timeout: .seconds(120))
            #expect(response.status == 200)
            let json = try #require(try response.json() as? [String: Any])
            #expect(json["length"] as? Int == size)
        }
    }

    @Test("A body over --max-body-mb gets a 413 with a JSON message; the replica keeps serving")
    func oversizedBody() async throws {
        try await withReplica(corpus: "echo", extraArguments: ["--max-body-mb", "1"]) { replica in
            let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: 2 * 1024 * 1024)
            let response = try await TestHTTP.send(.POST, "\(replica.baseURL)/score", body: body)
            #expect(response.status == 413)
            #expect((try response.json() as? [String: Any])?["message"] as? String != nil)
            let after = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(after.status == 200)
        }
    }

    @Test("--memory-limit-mb puts the replica and its workers in a cgroup: a worker over the limit is killed (502)")
    func memoryLimit() async throws {
        let source = try makeFolder([
            "score.py": """
            def init(): pass
            def run(raw):
                block = bytearray(int(raw) * 1024 * 1024)
                block[::4096] = b"x" * len(block[::4096])
                return len(block)
            """
        ])
        defer { try? FileManager.default.removeItem(at: source) }
        try await withReplica(sourceDirectory: source, extraArguments: ["--memory-limit-mb", "200"]) { replica in
            let small = try await TestHTTP.post("\(replica.baseURL)/score", "20")
            #expect(small.status == 200)
            if replica.log.contains("not enforced") {
                // A machine without a writable cgroup: the log must say why, and nothing is killed.
                #expect(replica.log.contains("Memory limit 200 MB not enforced: cgroup"))
                return
            }
            #expect(replica.log.contains("Memory limit 200 MB enforced with cgroup"))
            let large = try await TestHTTP.post("\(replica.baseURL)/score", "400")
            #expect(large.status == 502, "\(large.text)")
            try await replica.waitUntil { try await TestHTTP.get("\(replica.baseURL)/ready").status == 200 }
            #expect(try await TestHTTP.post("\(replica.baseURL)/score", "20").status == 200)
            #expect(replica.isRunning)
        }
    }

    @Test("Workers' print() output reaches the replica log with a timestamp and the worker id")
    func workerOutputIsLogged() async throws {
        let source = try makeFolder([
            "score.py": """
            def init(): print("model loaded, hello log")
            def run(raw):
                print("scoring", raw)
                return 1
            """
        ])
        defer { try? FileManager.default.removeItem(at: source) }
        try await withReplica(sourceDirectory: source) { replica in
            _ = try await TestHTTP.post("\(replica.baseURL)/score", "ping")
            try await replica.waitUntil { replica.log.contains("scoring ping") }
            let line = try #require(replica.log.split(separator: "\n").first { $0.contains("model loaded, hello log") })
            #expect(line.contains("worker-0"))
            #expect(line.first?.isNumber == true && line.contains("T") && line.contains("Z"))
        }
    }
}

/// Whether the replica's only worker is busy with a request.
private func busy(_ replica: ReplicaProcess) async throws -> Bool {
    let ready = try await TestHTTP.get("\(replica.baseURL)/ready").json() as? [String: Any]
    let workers = ready?["workers"] as? [[String: Any]] ?? []
    return workers.contains { $0["state"] as? String == "busy" }
}
