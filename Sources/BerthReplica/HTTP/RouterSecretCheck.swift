import BerthAuth
import BerthCore
import NIOHTTP1

/// The replica's side of `ReplicaAuthentication`: which requests must carry the router's secret,
/// and whether one does.
///
/// Everything but the kubelet's probes (`GET /` liveness, `GET /ready` readiness) needs it once a
/// secret is configured, so an unknown path tells a stranger nothing either. The secret itself is
/// never logged or echoed.
struct RouterSecretCheck: Sendable {
    private let secret: [UInt8]?

    /// A check for `secret`; nil or empty: every request passes.
    init(secret: String?) {
        self.secret = secret.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    /// Whether a secret is required at all.
    var isRequired: Bool { secret != nil }

    /// The header as NIO's `HTTPHeaders` take it.
    static let headerName = String(describing: ReplicaAuthentication.headerName)

    /// Whether a request for `uri` with `headers` may be served: always for the probes' paths
    /// and when no secret is configured; else only with exactly one matching header, compared in
    /// constant time.
    func allows(uri: String, headers: HTTPHeaders) -> Bool {
        guard let secret else { return true }
        let path = uri.prefix { $0 != "?" }
        if path == "/" || path == "/ready" { return true }
        let presented = headers[Self.headerName]
        guard presented.count == 1, let value = presented.first else { return false }
        return ConstantTime.equals(Array(value.utf8), secret)
    }
}
