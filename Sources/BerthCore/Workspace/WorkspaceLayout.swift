import Foundation

/// Where a workspace keeps its files: `$BERTH_HOME` (default `~/.berth`).
///
/// The server writes `server.json` (its addresses) and `admin-token` (mode 0600) here, and the CLI
/// reads them, so `berth server` in the background plus the CLI is all a user has to run.
public struct WorkspaceLayout: Sendable, Hashable {
    public var root: URL

    public init(root: URL) { self.root = root }

    /// `$BERTH_HOME`, else `~/.berth`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> WorkspaceLayout
    {
        if let home = environment["BERTH_HOME"], !home.isEmpty {
            return WorkspaceLayout(root: URL(fileURLWithPath: home, isDirectory: true).standardizedFileURL)
        }
        let userHome =
            environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return WorkspaceLayout(root: userHome.appendingPathComponent(".berth", isDirectory: true))
    }

    /// The SQLite metadata store.
    public var database: URL { root.appendingPathComponent("berth.sqlite") }
    /// The content-addressed artifact store.
    public var artifacts: URL { root.appendingPathComponent("artifacts", isDirectory: true) }
    /// The control plane's admin token (0600).
    public var adminTokenFile: URL { root.appendingPathComponent("admin-token") }
    /// The key the replica secrets of Kubernetes deployments are derived from (0600).
    public var replicaKeyFile: URL { root.appendingPathComponent("replica-key") }
    /// The running server's addresses.
    public var serverInfoFile: URL { root.appendingPathComponent("server.json") }
    /// Logs of the server and its replicas.
    public var logs: URL { root.appendingPathComponent("logs", isDirectory: true) }
    /// `telemetry/<service>/`: request telemetry of services with `appInsightsEnabled`
    /// (`RequestTelemetryFolder`).
    public var telemetry: URL { root.appendingPathComponent("telemetry", isDirectory: true) }
    /// `modeldata/<workspace>/<service>/…`: rows collected by `ModelDataCollector` in the entry
    /// scripts of services with `dataCollection.storageEnabled` (`ModelDataPath`).
    public var modelData: URL { root.appendingPathComponent("modeldata", isDirectory: true) }
}

/// What `server.json` holds: how to reach the running server.
public struct ServerInfo: Codable, Sendable, Hashable {
    /// e.g. `http://127.0.0.1:8890`.
    public var controlPlaneURL: String
    /// e.g. `http://127.0.0.1:8080`; nil until the router exists.
    public var routerURL: String?
    /// The certificate authority (PEM file) clients trust for the router's TLS when its
    /// certificate was minted from the workspace's own CA; nil otherwise.
    public var routerCAFile: String?
    /// The proxy Azure's SDK sends its blob uploads through (`HTTPS_PROXY`), e.g.
    /// `http://127.0.0.1:41234`; nil when it does not listen.
    public var sdkProxyURL: String?
    public var pid: Int32
    public var startedAt: Date

    public init(controlPlaneURL: String, routerURL: String?, pid: Int32, startedAt: Date = Date()) {
        self.controlPlaneURL = controlPlaneURL
        self.routerURL = routerURL
        self.pid = pid
        self.startedAt = startedAt
    }
}
