import AsyncHTTPClient
import BerthCore
import Foundation
import NIOCore
import NIOHTTP1

/// One line of a `watch=true` stream.
public struct KubernetesWatchEvent: Sendable, Hashable {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    public var type: String
    /// The object as it is after the change (a `Status` for `ERROR`).
    public var object: JSONValue

    public init(type: String, object: JSONValue) {
        self.type = type
        self.object = object
    }
}

extension KubernetesClient {
    /// Watches a collection from `resourceVersion`, calling `onEvent` for each change until it
    /// returns false, the server ends the stream (after `timeoutSeconds`), or the task is cancelled.
    ///
    /// The stream is read in the caller's task (no task is started): a caller that wants to go on
    /// watching lists again and watches from the list's `resourceVersion`, as informers do.
    ///
    /// - Throws: `.gone` when `resourceVersion` is too old (list again), other `KubernetesError`s.
    public func watch(
        _ resource: KubernetesResource, namespace: String?, labelSelector: String? = nil,
        resourceVersion: String? = nil, timeoutSeconds: Int = 300,
        onEvent: (KubernetesWatchEvent) async throws -> Bool
    ) async throws {
        var query: [(String, String)] = [("watch", "true"), ("timeoutSeconds", String(timeoutSeconds))]
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        let path = resource.collectionPath(namespace: namespace)
        let request = request(.GET, path: path, query: query)
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(Int64(timeoutSeconds) + 30))
        } catch {
            throw unreachable(error)
        }
        guard (200..<300).contains(response.status.code) else {
            let bytes = try await response.body.collect(upTo: 1 << 20)
            throw Self.statusError(
                status: Int(response.status.code), body: Data(bytes.readableBytesView), method: .GET, path: path)
        }
        var lines = NewlineDelimitedLines()
        for try await chunk in response.body {
            for line in lines.lines(completedBy: chunk) {
                guard let event = try Self.watchEvent(line) else { continue }
                if event.type == "ERROR" {
                    // A real API server reports an expired resourceVersion this way (HTTP 200, then
                    // a Status with code 410), more often than as the HTTP status: both are `.gone`.
                    let status = Int(event.object["code"]?.numberValue ?? (Self.isExpiry(event.object) ? 410 : 500))
                    throw Self.statusError(
                        status: status, body: event.object.canonicalData, method: .GET, path: path)
                }
                guard try await onEvent(event) else { return }
            }
            if lines.pendingBytes > Self.maxBodyBytes {
                throw KubernetesError(.apiError, "A watch event from \(path) exceeded \(Self.maxBodyBytes) bytes.")
            }
        }
    }

    /// A `Status` that says the watch expired, by its reason, for servers that omit its code.
    static func isExpiry(_ status: JSONValue) -> Bool {
        ["Expired", "Gone"].contains(status["reason"]?.stringValue ?? "")
    }

    static func watchEvent(_ line: Data) throws -> KubernetesWatchEvent? {
        guard let value = try? JSONValue(parsing: line), let type = value["type"]?.stringValue,
            let object = value["object"]
        else {
            throw KubernetesError(.apiError, "A watch stream sent a line that is not a watch event.")
        }
        return KubernetesWatchEvent(type: type, object: object)
    }
}
