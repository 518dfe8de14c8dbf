import AsyncHTTPClient
import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// The API server's Pod proxy (`GET …/pods/NAME[:PORT]/proxy/PATH`): forwards the request to the
/// Pod's IP and port and answers with what the Pod answered, as a real API server does for
/// `kubectl get --raw` and for clients outside the cluster.
///
/// Like a real one it refuses what it cannot reach: 404 for an unknown Pod, 503 for a Pod with
/// no IP yet or nothing listening. It forwards the request's headers but the credentials meant
/// for the API server (`Authorization`).
enum DoublePodProxy {
    static func get(
        _ target: DoubleRequestPath, name: String, store: DoubleStore, query: String?, headers: HTTPFields
    ) async throws -> Response {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        let podName = parts[0]
        guard let pod = store.object(target.kind, namespace: target.namespace, name: podName) else {
            throw DoubleStatus.notFound(target.kind, podName)
        }
        let container = pod["spec"]?["containers"]?.arrayValue?.first ?? [:]
        let port =
            parts.count == 2
            ? Int(parts[1]) ?? DoublePodRunner.port(.string(parts[1]), container: container)
            : Int(container["ports"]?.arrayValue?.first?["containerPort"]?.numberValue ?? 80)
        guard let ip = pod["status"]?["podIP"]?.stringValue else {
            throw DoubleStatus(
                code: 503, reason: "ServiceUnavailable", message: "pod \(podName) has no IP address yet")
        }
        var request = HTTPClientRequest(
            url: "http://\(ip):\(port)\(target.proxyPath ?? "/")" + (query.map { "?\($0)" } ?? ""))
        request.method = .GET
        for field in headers where field.name != .authorization && field.name.canonicalName != "host" {
            request.headers.add(name: field.name.rawName, value: field.value)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw DoubleStatus(
                code: 503, reason: "ServiceUnavailable",
                message: "error trying to reach service: dial tcp \(ip):\(port): \(error)")
        }
        var fields = HTTPFields()
        if let type = response.headers.first(name: "Content-Type") { fields[.contentType] = type }
        return Response(
            status: .init(code: Int(response.status.code)), headers: fields, body: ResponseBody(byteBuffer: body))
    }
}
