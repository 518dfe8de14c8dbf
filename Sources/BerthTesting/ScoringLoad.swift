import Foundation
import Synchronization

/// Continuous scoring load for end-to-end tests: `clients` loops, each sending one request after
/// the other through the router until `stopped` is set, counting answers by status (0 for a
/// transport error) and the `version` field of JSON answers that carry one.
package final class ScoringLoad: Sendable {
    package let statuses = Mutex<[Int: Int]>([:])
    package let versions = Mutex<[String: Int]>([:])
    package let stopped = Atomic<Bool>(false)

    package init() {}

    package func run(clients: Int, uri: String, key: String?) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var headers = [("Content-Type", "application/json")]
                    if let key { headers.append(("Authorization", "Bearer \(key)")) }
                    // Also ends on cancellation: a test that throws before `stop()` leaves the scope of
                    // its `async let`, which cancels and awaits this loop.
                    while !self.stopped.load(ordering: .relaxed) && !Task.isCancelled {
                        let response = try? await TestHTTP.post(uri, "{\"client\": \(client)}", headers: headers)
                        self.statuses.withLock { $0[response?.status ?? 0, default: 0] += 1 }
                        if let response, response.status == 200,
                            let object = try? response.json() as? [String: Any], let version = object["version"]
                        {
                            self.versions.withLock { $0["\(version)", default: 0] += 1 }
                        }
                    }
                }
            }
        }
    }

    package func stop() { stopped.store(true, ordering: .relaxed) }

    /// Answers other than 200, by status.
    package var failures: [Int: Int] { statuses.withLock { $0.filter { $0.key != 200 } } }
    package var succeeded: Int { statuses.withLock { $0[200] ?? 0 } }
}
