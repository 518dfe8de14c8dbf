internal import BerthAPITypes
import BerthCore
import Foundation

/// The dashboard's login: a browser cannot send the admin token, so the CLI asks for a one-time
/// link that opens a session for the dashboard alone.
extension ControlPlaneClient {
    /// A new one-time login link for the dashboard, as a full URL on the control plane's address,
    /// and when it expires.
    public func dashboardLoginLink() async throws -> (url: String, expiresOn: Date) {
        let link: DashboardLoginLink = try await call { try await $0.createDashboardLogin().ok.body.json }.converted()
        return (baseURL + link.path, link.expiresOn)
    }
}
