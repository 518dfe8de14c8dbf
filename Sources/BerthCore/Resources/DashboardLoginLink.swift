import Foundation

/// The answer of `POST /api/v1/dashboard/logins` (what `berth ui` prints): a one-time link that
/// opens the dashboard at `/ui` in a browser, which cannot send the admin token itself.
///
/// The server answers with the path only: the CLI knows the address it reached the server at and
/// puts it in front (`http://HOST:PORT/ui/login?token=…`). The token in it is random, works once,
/// and only until `expiresOn`; it opens a browser session that reads the dashboard and nothing else.
public struct DashboardLoginLink: Codable, Sendable, Hashable {
    /// `/ui/login?token=…`.
    public var path: String
    /// When the link stops working if it was not opened.
    public var expiresOn: Date

    public init(path: String, expiresOn: Date) {
        self.path = path
        self.expiresOn = expiresOn
    }
}
