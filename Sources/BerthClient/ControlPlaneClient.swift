import AsyncHTTPClient
internal import BerthAPITypes
import BerthCore
internal import Foundation
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
internal import OpenAPIRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A typed HTTP client of the control-plane API, used by the CLI and by tests.
///
/// The requests themselves are the client generated from `openapi/berth.json` (`Generated/`), so
/// the contract is written once; this type keeps the API the CLI calls, in `BerthCore`'s types.
///
/// ```swift
/// let client = try ControlPlaneClient.forWorkspace(.fromEnvironment())
/// let models = try await client.models()
/// ```
public struct ControlPlaneClient: Sendable {
    /// e.g. `http://127.0.0.1:8890`, without a trailing slash.
    public let baseURL: String
    let token: String
    let http: HTTPClient
    /// How long one ordinary API call may take.
    public var timeout: TimeAmount = .seconds(120)

    public init(baseURL: String, token: String, http: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.http = http
    }

    /// A client for the server running on a workspace: reads `server.json` and `admin-token`.
    public static func forWorkspace(_ layout: WorkspaceLayout, http: HTTPClient = .shared) throws -> ControlPlaneClient
    {
        guard let data = FileManager.default.contents(atPath: layout.serverInfoFile.path) else {
            throw BerthError(
                .unavailable,
                "No Berth server runs on the workspace '\(layout.root.path)'. Start one with 'berth server &' (or set BERTH_HOME to the workspace you meant)."
            )
        }
        let info = try BerthJSON.decode(ServerInfo.self, from: data, what: "server.json")
        // A crashed server leaves server.json behind; calling its dead port would only fail after
        // the HTTP client has retried the connection until the call's timeout, minutes later.
        if !isProcessAlive(info.pid) {
            throw BerthError(
                .unavailable,
                "The Berth server of the workspace '\(layout.root.path)' (pid \(info.pid) in server.json) is not "
                    + "running; it may have crashed. Start it again with 'berth server &'."
            )
        }
        guard let token = try? String(contentsOf: layout.adminTokenFile, encoding: .utf8) else {
            throw BerthError(
                .unauthorized,
                "Cannot read the admin token '\(layout.adminTokenFile.path)'; run the CLI as the user who runs the server."
            )
        }
        // A router certificate minted from the workspace CA: scoring through it trusts that CA.
        // So are compute targets' certificates issued by it (`--ssl-self-signed`, leaf domain labels).
        let workspaceCA = SDKCABundle.workspaceCA(in: layout).path
        let caFile = info.routerCAFile ?? (FileManager.default.fileExists(atPath: workspaceCA) ? workspaceCA : nil)
        let client = try caFile.map { try WorkspaceHTTPClients.client(trusting: $0) } ?? http
        return ControlPlaneClient(
            baseURL: info.controlPlaneURL, token: token.trimmingCharacters(in: .whitespacesAndNewlines), http: client)
    }

    // MARK: The generated client

    /// Runs one call of the generated client over this client's HTTP client, token and timeout.
    /// API errors become `BerthError`s with the server's code and message (`ControlPlaneMiddleware`),
    /// and an answer that does not match the document names the call and the field.
    func call<Result>(_ body: (Client) async throws -> Result) async throws -> Result {
        guard let serverURL = URL(string: baseURL) else {
            throw BerthError.badRequest("'\(baseURL)' is not a URL of a Berth server.")
        }
        let client = Client(
            serverURL: serverURL,
            configuration: .berth,
            transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: timeout)),
            middlewares: [ControlPlaneMiddleware(token: token, baseURL: baseURL)]
        )
        do {
            return try await body(client)
        } catch let error as ClientError {
            if let error = error.underlyingError as? BerthError { throw error }
            if let decoding = error.underlyingError as? DecodingError {
                let call = error.request.map { "\($0.method) \($0.path ?? "")" } ?? error.operationID
                throw BerthError.badRequest(
                    "The server's answer to \(call) is not valid: \(BerthJSON.describe(decoding))")
            }
            throw error.underlyingError
        }
    }

    /// The `BerthError` an error answer describes.
    static func error(status: Int, body: Data) -> BerthError {
        if let decoded = try? BerthJSON.decoder().decode(ErrorResponse.self, from: body) {
            return BerthError(BerthError.Code(decoded.error.code), decoded.error.message)
        }
        let text = String(decoding: body.prefix(500), as: UTF8.self)
        return BerthError(.internalError, "The server answered HTTP \(status): \(text)")
    }
}

/// Whether a process with this id exists on this machine (one of another user counts as alive).
private func isProcessAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == 0 || errno == EPERM
}
