import BerthCore
import Logging
import ServiceLifecycle

/// Sends a router's load to the control plane several times a second, when the router runs
/// outside `berth server` (a router Pod in a cluster): DESIGN.md's "routers report load; the
/// control plane's autoscaler decides".
///
/// A failed report is not retried — the next one, `interval` later, carries fresher numbers — and
/// the control plane forgets a router whose reports stop (3 s), so an outage on either side
/// degrades to "this router's traffic is not counted" and heals by itself. Failures are logged once
/// per outage, and the recovery too.
public struct RouterLoadReporter: Service {
    let router: Router
    let routerID: String
    let compute: String
    let interval: Duration
    let send: @Sendable (RouterLoadReport) async throws -> Void
    let logger: Logger

    /// - Parameters:
    ///   - routerID: this router's stable id (its Pod name).
    ///   - compute: the attached cluster it serves, whose feed token signs the reports.
    ///   - send: delivers one report (`ControlPlaneClient.reportLoad`).
    public init(
        router: Router, routerID: String, compute: String, interval: Duration = .milliseconds(250), logger: Logger,
        send: @escaping @Sendable (RouterLoadReport) async throws -> Void
    ) {
        self.router = router
        self.routerID = routerID
        self.compute = compute
        self.interval = interval
        self.send = send
        self.logger = logger
    }

    public func run() async throws {
        // Graceful shutdown cancels a report in flight too: the process stops at once, not when a
        // control plane that went away finally times the request out.
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await send(router.load().report(asRouter: routerID, compute: compute))
                    if failing {
                        failing = false
                        logger.notice("Load reports reach the control plane again")
                    }
                } catch {
                    if !failing && !Task.isCancelled {
                        failing = true
                        logger.warning(
                            "Cannot report load to the control plane; the autoscaler does not count this router's traffic until it can",
                            metadata: ["error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

extension RouterLoadReporter: CustomStringConvertible {
    public var description: String { "RouterLoadReporter(\(routerID))" }
}
