import BerthAuth
import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The route-table feed for routers running in an attached cluster:
///
/// - `GET /api/v1/routes?compute=NAME`: the cluster's current table (`RouteTable` JSON);
/// - `…&watch=true[&heartbeatSeconds=15][&timeoutSeconds=300]`: newline-delimited
///   `RouteFeedEvent`s — the current table at once, a new one after every change, a heartbeat
///   after each quiet `heartbeatSeconds`; the stream ends after `timeoutSeconds` (routers
///   reconnect, as Kubernetes watches do).
///
/// Authenticated with the cluster's feed token (`Authorization: Bearer`, compared in constant
/// time), not the admin token: the token sits in the cluster's Secret and may read routes only.
/// Tables carry key digests and public token keys, never keys; the one secret in them is each of
/// the cluster's own services' replica secret, which its routers present to its replicas.
struct RouteFeedRoutes<Context: RequestContext> {
    let feed: RouteFeed
    let store: any MetadataStore
    let clusters: KubernetesClusters

    /// The path, open to callers without the admin token (`AdminAuthMiddleware`).
    static var path: String { "/api/v1/routes" }

    func add(to router: Router<Context>) {
        router.get("/api/v1/routes") { request, _ in
            let query = request.uri.queryParameters
            guard let compute = query.get("compute"), !compute.isEmpty else {
                throw BerthError.badRequest(
                    "Name the cluster whose routes you want: GET /api/v1/routes?compute=NAME (an attached Kubernetes compute target)."
                )
            }
            try await authorize(presented: request.bearerToken, compute: compute)
            guard query.get("watch") == "true" || query.get("watch") == "1" else {
                guard let latest = feed.latest else {
                    throw BerthError(
                        .unavailable, "The control plane is still building its first route table; retry in a second.")
                }
                return try JSONBody.response(latest.table(forCompute: compute))
            }
            let heartbeat = try seconds(query.get("heartbeatSeconds"), name: "heartbeatSeconds", default: 15)
            let timeout = try seconds(query.get("timeoutSeconds"), name: "timeoutSeconds", default: 300)
            return watchResponse(compute: compute, heartbeat: heartbeat, timeout: timeout)
        }
    }

    /// Requires compute `compute`'s feed token. Every refusal is the same 401, so the feed does
    /// not tell which clusters exist; the token is never logged or echoed.
    func authorize(presented: String?, compute: String) async throws {
        let refusal = BerthError(
            .unauthorized,
            "The route feed needs the feed token of compute target '\(compute)': send 'Authorization: Bearer <token>' "
                + "with the token from the berth-router Secret in the cluster's berth-system namespace (attach makes it)."
        )
        guard let presented else { throw refusal }
        guard let target = try await store.compute(named: compute), target.computeType == .kubernetes,
            let token = try clusters.existingFeedToken(of: compute)
        else { throw refusal }
        guard ConstantTime.equals(presented, token) else { throw refusal }
    }

    func seconds(_ text: String?, name: String, default value: Int) throws -> Duration {
        guard let text else { return .seconds(value) }
        guard let number = Int(text), (1...3600).contains(number) else {
            throw BerthError.badRequest("\(name) '\(text)' must be a whole number of seconds from 1 to 3600.")
        }
        return .seconds(number)
    }

    /// The watch stream. The table goes out when its content changed (a new generation); a
    /// heartbeat when a wake-up found nothing new.
    func watchResponse(compute: String, heartbeat: Duration, timeout: Duration) -> Response {
        let feed = self.feed
        let body = ResponseBody { writer in
            let watch = feed.watch()
            defer { watch.continuation.finish() }
            var sent: RouteTable?
            func line(_ event: RouteFeedEvent) throws -> ByteBuffer {
                var data = try BerthJSON.encode(event)
                data.append(UInt8(ascii: "\n"))
                return ByteBuffer(bytes: data)
            }
            /// The table to send, if it differs from the last one sent in more than its generation.
            func fresh() -> RouteTable? {
                guard let table = feed.latest?.table(forCompute: compute) else { return nil }
                guard var last = sent else { return table }
                last.generation = table.generation
                return last == table ? nil : table
            }
            try await withThrowingDiscardingTaskGroup { group in
                // Children end quietly when cancelled, so the stream finishes cleanly.
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: heartbeat)
                        if Task.isCancelled { return }
                        watch.continuation.yield(.heartbeat)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    watch.continuation.finish()
                }
                if let table = fresh() {
                    try await writer.write(line(.routes(table)))
                    sent = table
                }
                for await wake in watch.wakes {
                    if let table = fresh() {
                        try await writer.write(line(.routes(table)))
                        sent = table
                    } else if wake == .heartbeat {
                        try await writer.write(line(.heartbeat))
                    }
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
    }
}
