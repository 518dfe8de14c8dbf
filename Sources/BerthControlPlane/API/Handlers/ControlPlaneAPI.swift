import BerthAPIServer
import BerthAPITypes
import BerthBackends
import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// The native `/api/v1` API: the handlers of the server generated from `openapi/berth.json`
/// (`Generated/Server.swift`), one extension per resource, registered on the same Hummingbird
/// router as the Azure dialect so they share its middleware (`ErrorMiddleware`,
/// `AdminAuthMiddleware`).
///
/// Handlers read the generated input, turn request bodies into `BerthCore`'s types and answers back
/// into the generated ones through their JSON (`converted(to:what:)`, `checkedConversion()`), and
/// throw `BerthError`s, which `ErrorMiddleware` answers with the API's error body.
///
/// ```swift
/// let router = Router(context: BasicRequestContext.self)
/// try api.register(on: router)
/// ```
struct ControlPlaneAPI: APIProtocol {
    let registry: ModelRegistry
    let artifacts: any ArtifactStore
    let computes: ComputeTargets
    let operations: LongOperations
    let deployer: Deployer
    let store: any MetadataStore
    let backend: any ComputeBackend
    let credentials: ServiceCredentials
    let board: AutoscalerBoard
    /// Scoring URIs of services on attached clusters, read again at each show: a cluster's load
    /// balancer may get its address after the deploy.
    let clusterURIs: ClusterScoringURIs
    /// Endpoints, and where a deploy whose config says `"computeType": "aksendpoint"` goes: it
    /// creates an endpoint, as `az ml model deploy` does with such a config.
    let endpoints: EndpointManager
    /// The router's per-endpoint-version metrics over a window.
    let metrics: @Sendable (Duration) -> [String: [EndpointVersionMetrics]]
    let signingKeys: WorkspaceSigningKeys
    let routes: RoutePublisher
    let adminToken: String
    let workspace: WorkspaceLayout
    let loads: RouterLoads
    /// Checks a cluster's feed token, for load reports as for the route feed.
    let feedTokens: RouteFeedRoutes<BasicRequestContext>
    let environmentCache: EnvironmentCache
    /// What the Prometheus scrapes answer.
    let scrapes: MetricsScrapes
    /// Where the request telemetry of replicas in Kubernetes Pods is kept.
    let shippedTelemetry: ShippedTelemetry
    /// Where the rows `ModelDataCollector` wrote in Kubernetes Pods are kept.
    let shippedModelData: ShippedModelData
    /// The dashboard's login links (`createDashboardLogin`).
    let dashboard: DashboardAccess<ContinuousClock>

    /// The operations still served by hand-written Hummingbird routes, as `METHOD path`, which the
    /// generated server does not register.
    ///
    /// Not yet generated:
    /// - `GET /openapi.json` (`openAPIDocument`): the document is served as its committed bytes;
    ///   the generated body type would decode and re-encode it.
    /// - `GET /api/v1/routes` (`getRoutes`): the route feed's watch stream writes while child
    ///   tasks send heartbeats and end it (`RouteFeedRoutes`); as an `HTTPBody` it would need them
    ///   outside the response's task.
    static let handWritten: Set<String> = ["GET /openapi.json", "GET /api/v1/routes"]

    /// Registers the generated operations on `router`, except `handWritten`.
    func register(on router: Router<BasicRequestContext>) throws {
        try registerHandlers(
            on: GeneratedRoutes(router: router, skipping: Self.handWritten), serverURL: URL(string: "/")!,
            configuration: .berth,
            middlewares: [APIRequestMiddleware(adminToken: adminToken), PrometheusContentTypeMiddleware()])
    }

    /// `/api/v1/operations/<id>`, where a 202's operation is read.
    static func location(of operation: BerthCore.Operation) -> String {
        "/api/v1/operations/\(operation.id)"
    }
}

/// The generated server's routes on a Hummingbird router, minus the operations served by hand.
struct GeneratedRoutes: ServerTransport {
    let router: Router<BasicRequestContext>
    let skipping: Set<String>

    func register(
        _ handler:
            @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            ),
        method: HTTPRequest.Method, path: String
    ) throws {
        guard !skipping.contains("\(method.rawValue) \(path)") else { return }
        router.register(handler, method: method, path: path)
    }
}
