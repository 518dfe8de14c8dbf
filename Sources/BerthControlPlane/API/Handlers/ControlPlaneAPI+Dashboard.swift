import BerthAPITypes
import BerthCore
import Foundation

/// `POST /api/v1/dashboard/logins`: a one-time link that opens the dashboard (`berth ui`).
extension ControlPlaneAPI {
    func createDashboardLogin(_ input: Operations.CreateDashboardLogin.Input) async throws
        -> Operations.CreateDashboardLogin.Output
    {
        let link = dashboard.newLink()
        let seconds = Double(link.lifetime.components.seconds)
        var components = URLComponents()
        components.path = "/ui/login"
        components.queryItems = [URLQueryItem(name: "token", value: link.token)]
        let answer = DashboardLoginLink(
            path: components.string ?? "/ui/login?token=\(link.token)", expiresOn: Date().addingTimeInterval(seconds))
        return .ok(.init(body: .json(try answer.checkedConversion())))
    }
}
