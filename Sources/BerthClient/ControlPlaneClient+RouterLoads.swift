internal import BerthAPITypes
import BerthCore

/// The call routers outside the server make several times a second.
extension ControlPlaneClient {
    /// Tells the control plane this router's load, so its autoscaler counts this router's traffic
    /// (`POST /api/v1/routers/load`). A router in a cluster signs it with the cluster's feed token.
    public func reportLoad(_ report: RouterLoadReport) async throws {
        _ = try await call { try await $0.reportRouterLoad(body: .json(report.checkedConversion())).noContent }
    }
}
