import BerthCore
import Foundation

/// How `APIRequestMiddleware` takes an operation's request body before the generated server
/// decodes it: bounded JSON (required or not) or an unbuffered stream, and the `BerthCore` type the
/// handler reads it as, whose messages explain a body the generated types refuse.
struct APIRequestBody: Sendable {
    enum Kind: Sendable {
        /// A JSON body, collected up to `JSONBody.maxRequestBytes`; an empty optional one is absent.
        case json(required: Bool)
        /// Bytes streamed to the handler as they arrive, read as `contentType` whatever the
        /// request says (artifact uploads; telemetry batches, which the handler bounds itself).
        case stream(contentType: String = "application/octet-stream")
    }

    var kind: Kind
    /// The body's name in messages: "The load report is empty; …".
    var what = "request body"
    /// Reads the bytes as the handler's `BerthCore` type and runs the checks the handler makes
    /// before acting, throwing Berth's error when they refuse the body.
    var berthReading: (@Sendable (Data) throws -> Void)?

    /// A JSON body the handler reads as `type`.
    static func json<Body: Decodable & SendableMetatype>(
        _ type: Body.Type, what: String = "request body", required: Bool = true,
        check: @escaping @Sendable (Body) throws -> Void = { _ in }
    ) -> Self {
        Self(kind: .json(required: required), what: what) { data in
            try check(try BerthJSON.decode(Body.self, from: data, what: what))
        }
    }

    /// The operations of `openapi/berth.json` that take a body, by operation id.
    static let operations: [String: APIRequestBody] = [
        "uploadArtifact": Self(kind: .stream()),
        "shipServiceTelemetry": Self(kind: .stream(contentType: "application/x-ndjson"), what: "telemetry batch"),
        "shipServiceModelData": Self(kind: .stream(contentType: "text/csv"), what: "model data"),
        "registerModel": .json(RegisterModelRequest.self),
        "createCompute": .json(CreateComputeRequest.self, check: ControlPlaneAPI.checkCreate),
        "attachCompute": .json(AttachKubernetesRequest.self) { try $0.sslConfiguration?.checkShape() },
        "updateCompute": .json(UpdateComputeRequest.self) { try $0.sslConfiguration?.checkShape() },
        "deployService": .json(DeployRequest.self),
        "updateService": .json(UpdateServiceRequest.self),
        "regenerateServiceKey": .json(RegenerateKeyRequest.self),
        "createSDKToken": .json(SDKTokenRequest.self, required: false),
        "pruneEnvironments": .json(PruneEnvironmentsRequest.self, what: "prune request", required: false),
        // A report without 'compute' from anyone but the admin is refused as the handler refuses
        // it: 401, before its shape is looked at.
        "reportRouterLoad": .json(RouterLoadReport.self, what: "load report") { report in
            guard !report.compute.isEmpty || APIRequest.presentsAdminToken else {
                throw ControlPlaneAPI.loadReportNeedsCompute
            }
        },
        "createEndpoint": .json(CreateEndpointRequest.self),
        "updateEndpoint": .json(EndpointUpdate.self),
        "createEndpointVersion": .json(EndpointVersionRequest.self),
        "updateEndpointVersion": .json(EndpointVersionUpdate.self),
        "regenerateEndpointKey": .json(RegenerateKeyRequest.self),
    ]
}
