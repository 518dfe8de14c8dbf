/// How a replica in a Kubernetes Pod reaches the control plane to hand over what must not stay in
/// the Pod — its request telemetry: the control plane's URL and the deployment's Pod token (the
/// token its init container fetches the deployment's files with, `ArtifactGrants`), from the
/// container's environment. A local replica has neither and writes into the workspace instead.
public struct ControlPlaneUpload: Sendable, Hashable {
    /// The control plane's base URL, as the Pod reaches it.
    public static let urlVariable = "BERTH_CONTROL_PLANE_URL"
    /// The deployment's Pod token (from the deployment's Secret, never in the Pod template).
    public static let tokenVariable = "BERTH_ARTIFACT_TOKEN"
    /// The PEM of the CA the control plane's certificate comes from, when it is reached over https.
    public static let trustedCAVariable = "BERTH_CONTROL_PLANE_CA"

    /// The control plane's base URL, without a trailing slash.
    public var url: String
    /// The bearer token the control plane accepts from this deployment's Pods.
    public var token: String
    /// Trusted beside the system's CAs when the URL is https.
    public var trustedCAPEM: String?

    public init(url: String, token: String, trustedCAPEM: String? = nil) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
        self.trustedCAPEM = trustedCAPEM
    }

    /// The settings in `environment`; nil unless both the URL and the token are there.
    public static func from(environment: [String: String]) -> ControlPlaneUpload? {
        guard let url = environment[urlVariable], !url.isEmpty, let token = environment[tokenVariable], !token.isEmpty
        else { return nil }
        let ca = environment[trustedCAVariable].flatMap { $0.isEmpty ? nil : $0 }
        return ControlPlaneUpload(url: url, token: token, trustedCAPEM: ca)
    }
}
