import BerthCore
public import Foundation

/// The environment variables that point the unmodified Azure ML v1 SDK at a Berth server, as
/// `berth sdk env` prints them for `eval`.
///
/// The SDK reads its cloud from `ARM_CLOUD_METADATA_URL` and `AZUREML_CURRENT_CLOUD` when
/// `azureml.core` is imported; blob uploads go through the server's proxy (`HTTPS_PROXY`) while
/// `NO_PROXY` keeps every control-plane call off it; `REQUESTS_CA_BUNDLE` makes the proxy's
/// certificates trusted; the `BERTH_*` variables feed `berth_azureml.BerthAuthentication`.
/// Pure: the caller supplies the server's addresses, the credentials and the CA bundle's path.
public struct SDKEnvironment: Sendable {
    /// One `NAME=value` pair.
    public struct Variable: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// The variables, in the order they are printed.
    public private(set) var variables: [Variable] = []
    /// What the user should know: a variable left out and why.
    public private(set) var warnings: [String] = []
    /// A one-line comment for the top of the script (no secret in it).
    public let summary: String

    /// - Parameters:
    ///   - inherited: the caller's environment; its `NO_PROXY` / `no_proxy` entries are kept.
    public init(server: ServerInfo, credentials: SDKCredentials, caBundle: URL, inherited: [String: String]) {
        summary =
            "Azure ML SDK settings for the Berth workspace '\(credentials.workspaceName)' at "
            + "\(server.controlPlaneURL); the token is valid until \(BerthJSON.text(of: credentials.expiresOn))."
        let base =
            server.controlPlaneURL.hasSuffix("/") ? String(server.controlPlaneURL.dropLast()) : server.controlPlaneURL
        add("ARM_CLOUD_METADATA_URL", base + "/metadata/endpoints?api-version=2019-05-01")
        add("AZUREML_CURRENT_CLOUD", credentials.cloudName)
        // Python reads the lower-case proxy variables before the upper-case ones, so both are set:
        // a proxy the user already has in `https_proxy` would otherwise take the uploads.
        if let proxy = server.sdkProxyURL {
            add("HTTPS_PROXY", proxy)
            add("https_proxy", proxy)
        } else {
            warnings.append(
                "The server names no SDK upload proxy (no sdkProxyURL in server.json), so HTTPS_PROXY is not set: "
                    + "workspace calls work, but uploads (Model.register) cannot; run a berth server that has the proxy."
            )
        }
        let noProxy = Self.noProxyList(server: server, inherited: inherited)
        add("NO_PROXY", noProxy)
        add("no_proxy", noProxy)
        add("REQUESTS_CA_BUNDLE", caBundle.path)
        add("AZUREML_LOG_DEPRECATION_WARNING_ENABLED", "False")
        add("BERTH_SDK_TOKEN", credentials.accessToken)
        add("BERTH_SUBSCRIPTION_ID", credentials.subscriptionId)
        add("BERTH_RESOURCE_GROUP", credentials.resourceGroup)
        add("BERTH_WORKSPACE_NAME", credentials.workspaceName)
    }

    /// `# summary` and one `export NAME='value'` line per variable, for `eval`.
    public var script: String {
        (["# " + summary] + variables.map { "export \($0.name)=\(Self.shellQuoted($0.value))" })
            .joined(separator: "\n") + "\n"
    }

    /// `value` in single quotes, safe for any POSIX shell whatever it contains.
    public static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// The control plane's and the router's hosts, then the caller's own entries, without repeats.
    static func noProxyList(server: ServerInfo, inherited: [String: String]) -> String {
        let ours = [server.controlPlaneURL, server.routerURL].compactMap { $0.flatMap(host(of:)) }
        let theirs = [inherited["no_proxy"], inherited["NO_PROXY"]].compactMap { $0 }
            .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        var seen = Set<String>()
        return (ours + theirs).filter { !$0.isEmpty && seen.insert($0).inserted }.joined(separator: ",")
    }

    /// The host of a URL, without the brackets of an IPv6 address.
    private static func host(of url: String) -> String? {
        guard var host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    private mutating func add(_ name: String, _ value: String) {
        variables.append(Variable(name: name, value: value))
    }
}
