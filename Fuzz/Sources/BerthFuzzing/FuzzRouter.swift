import BerthAuth
import BerthCore
import Foundation
import Logging

@testable import BerthRouter

/// The router state the HTTP harnesses run requests against: what `Router.run()` builds, with a
/// route table that reaches every decision the router makes from a head (a key service, a token
/// service, an endpoint split, a service that queues, one with no route) but never a replica
/// connection, which an embedded event loop cannot make: every service has no replica.
enum FuzzRouter {
    /// The key the `keyed` service accepts.
    static let key = "fuzz-key"

    /// Small limits, so inputs of a few kilobytes reach the 413 and body-budget paths.
    static let maxBodyBytes = 4096
    static let maxBufferedBodyBytes = 2048

    /// Shared by every input, as by every connection of a router: what one input leaves behind
    /// (a held body byte, a queued request) shows up in the next one's checks.
    static let shared: RouterRequestHandler = {
        let admission = Admission(policy: .init(maxQueuedRequestsPerService: 4), clock: RouterClock())
        let rollout = RolloutTables()
        let signing = SigningKeySet.generate(now: Date())
        let table = RouteTable(
            generation: 1,
            services: [
                "svc": ServiceRoute(name: "svc", authEnabled: false, maxQueueWaitMs: 0),
                "keyed": ServiceRoute(
                    name: "keyed", authEnabled: true, keyDigests: [KeyDigest.sha256Hex(key)], maxQueueWaitMs: 0),
                "token": ServiceRoute(name: "token", authEnabled: false, maxQueueWaitMs: 0, tokenAuthEnabled: true),
                "queued": ServiceRoute(name: "queued", authEnabled: false, maxQueueWaitMs: 60_000),
            ],
            tokenKeys: (try? signing.verificationKeys(now: Date())) ?? [],
            endpoints: [
                "ep": EndpointRoute(
                    name: "ep",
                    versions: [
                        EndpointVersionRoute(name: "v1", service: "svc", weight: 70),
                        EndpointVersionRoute(name: "v2", service: "keyed", weight: 30),
                    ])
            ])
        _ = admission.update(table)
        rollout.update(table)
        let readiness = RouterReadiness()
        readiness.tableApplied()
        return RouterRequestHandler(
            admission: admission, rollout: rollout, proxy: ReplicaProxy(connectTimeout: .seconds(1)),
            maxBodyBytes: maxBodyBytes, maxBusyRetries: 1, readiness: readiness,
            bodyBudget: BodyBudget(limit: maxBufferedBodyBytes),
            timeouts: ConnectionTimeouts(head: .seconds(2), idle: .seconds(5)), metrics: nil,
            logger: Logger(label: "berth.fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
    }()

    /// Fails (a finding) when a connection that closed left body bytes held or a request queued:
    /// either would, over time, make the router refuse every request.
    static func checkNothingHeld() {
        expect(shared.bodyBudget.heldBytes == 0, "body bytes still held: \(shared.bodyBudget.heldBytes)")
        for (name, load) in shared.admission.load().services {
            expect(load.queued == 0, "\(load.queued) requests still queued for \(name)")
            expect(load.replicas.allSatisfy { $0.inFlight == 0 }, "a slot of \(name) is still held")
        }
    }
}
