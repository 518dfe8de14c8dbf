import AsyncHTTPClient
import BerthCore
import Foundation
import NIOCore
import NIOFoundationCompat

/// The call routers outside the server make several times a second.
extension ControlPlaneClient {
    /// Tells the control plane this router's load, so its autoscaler counts this router's traffic
    /// (`POST /api/v1/routers/load`). A router in a cluster signs it with the cluster's feed token.
    public func reportLoad(_ report: RouterLoadReport) async throws {
        var request = HTTPClientRequest(url: baseURL + "/api/v1/routers/load")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try BerthJSON.encode(report)))
        _ = try await execute(request, maxBytes: 64 << 10)
    }
}
