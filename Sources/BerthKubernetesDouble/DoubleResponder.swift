import BerthCore
import Foundation
import Hummingbird
import NIOCore

/// Answers the Kubernetes REST calls Berth makes, from `DoubleStore`.
struct DoubleResponder: Sendable {
    let store: DoubleStore
    let serverVersion: String
    /// Major and minor version, as `/version` reports them beside `gitVersion`.
    let kubernetesVersion: (major: Int, minor: Int)
    /// Where Pods' logs are (`pods/NAME/log`), when the double runs Pods.
    let podLogs: URL?
    /// Called after every successful write, so the double's controllers react at once.
    let onChange: @Sendable () -> Void
    /// Where accepted objects are recorded for the suite's schema check, if anywhere.
    let sentObjects: SentObjects?
    /// RBAC, when the test gave the clients an identity with rules.
    var authorizer: DoubleAuthorizer? = nil

    /// The escalation check of a Role or RoleBinding about to be written as `object`.
    private func checkEscalation(_ target: DoubleRequestPath, _ object: JSONValue) throws(DoubleStatus) {
        guard let authorizer, ["Role", "RoleBinding"].contains(target.kind.kind) else { return }
        let name = object["metadata"]?["name"]?.stringValue ?? target.name ?? ""
        var boundRole: JSONValue?
        if target.kind.kind == "RoleBinding", let roleName = object["roleRef"]?["name"]?.stringValue,
            let roleKind = DoubleKind.all.first(where: { $0.kind == "Role" })
        {
            guard let role = store.object(roleKind, namespace: target.namespace, name: roleName) else {
                throw DoubleStatus.notFound(roleKind, roleName)
            }
            boundRole = role
        }
        try authorizer.checkEscalation(target.kind, name: name, object, boundRole: boundRole)
    }

    private func recordSent(_ request: Request, _ object: JSONValue) {
        sentObjects?.record(
            request: "\(request.method) \(request.uri.path)",
            kubernetesVersion: "\(kubernetesVersion.major).\(kubernetesVersion.minor)", object: object)
    }

    func respond(to request: Request) async -> Response {
        store.record(request: "\(request.method) \(request.uri.path)" + (request.uri.query.map { "?\($0)" } ?? ""))
        do {
            return try await handle(request)
        } catch let status as DoubleStatus {
            return Self.json(status.body, status: status.code)
        } catch {
            return Self.json(DoubleStatus.badRequest("\(error)").body, status: 400)
        }
    }

    private func handle(_ request: Request) async throws -> Response {
        let path = request.uri.path
        if path == "/version", request.method == .get {
            return Self.json(
                [
                    "major": .string(String(kubernetesVersion.major)),
                    "minor": .string(String(kubernetesVersion.minor)),
                    "gitVersion": .string(serverVersion), "platform": "linux/amd64",
                ], status: 200)
        }
        if request.method == .get,
            let document = DoubleDiscovery.document(path, serverAddress: request.head.authority ?? "127.0.0.1")
        {
            return Self.json(document, status: 200)
        }
        guard let target = DoubleRequestPath(path) else {
            throw DoubleStatus(
                code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let query = request.uri.queryParameters
        if let authorizer {
            let verb = DoubleAuthorizer.verb(
                method: request.method.rawValue, hasName: target.name != nil,
                isWatch: query["watch"] == "true" || query["watch"] == "1")
            try authorizer.authorize(target, verb: verb)
        }
        let selector = DoubleLabelSelector(
            query["labelSelector"].map { String($0) }, fields: query["fieldSelector"].map { String($0) })
        switch (request.method, target.name, target.subresource) {
        case (.get, nil, nil) where query["watch"] == "true" || query["watch"] == "1":
            let version = query["resourceVersion"].flatMap { Int(String($0)) }
            let timeout = query["timeoutSeconds"].flatMap { Int(String($0)) } ?? 1800
            return try watch(target, selector: selector, after: version, timeoutSeconds: timeout)
        case (.get, nil, nil):
            let (items, version) = store.list(target.kind, namespace: target.namespace, selector: selector)
            let page = try DoubleListPage.page(
                items: items, version: version, limit: query["limit"].flatMap { Int(String($0)) },
                continue: query["continue"].map { String($0) })
            if DoubleTable.isWanted(accept: request.headers[.accept]) {
                var table = DoubleTable.table(target.kind, items: page.items, resourceVersion: page.resourceVersion)
                if let token = page.continueToken, case .object(var members) = table {
                    members["metadata"] = [
                        "resourceVersion": .string(String(page.resourceVersion)), "continue": .string(token),
                    ]
                    table = .object(members)
                }
                return Self.json(table, status: 200)
            }
            return Self.json(page.body(kind: target.kind), status: 200)
        case (.post, nil, nil):
            let sent = try target.kind.typed(try await body(of: request))
            try checkEscalation(target, sent)
            let created = try store.create(target.kind, namespace: target.namespace, sent)
            recordSent(request, sent)
            onChange()
            return Self.json(created, status: 201)
        case (.get, let name?, nil):
            let object = try existing(target, name)
            if DoubleTable.isWanted(accept: request.headers[.accept]) {
                let version = Int(object["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
                return Self.json(DoubleTable.table(target.kind, items: [object], resourceVersion: version), status: 200)
            }
            return Self.json(object, status: 200)
        case (.put, let name?, nil):
            let sent = try target.kind.typed(try await body(of: request))
            try checkEscalation(target, sent)
            let replaced = try store.replace(target.kind, namespace: target.namespace, name: name, sent)
            recordSent(request, sent)
            onChange()
            return Self.json(replaced, status: 200)
        case (.patch, let name?, nil):
            try requireMergePatch(request)
            let patch = try await body(of: request)
            try checkEscalation(target, JSONMergePatch.apply(patch, to: try existing(target, name)))
            let patched = try store.patch(target.kind, namespace: target.namespace, name: name, patch)
            recordSent(request, patched)
            onChange()
            return Self.json(patched, status: 200)
        case (.delete, let name?, nil):
            try store.delete(target.kind, namespace: target.namespace, name: name)
            onChange()
            return Self.json(
                [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                    "details": ["name": .string(name)],
                ],
                status: 200)
        case (.get, let name?, "log") where target.kind == .pod:
            _ = try existing(target, name)
            let container = query["container"].map { String($0) } ?? "replica"
            let lines = query["tailLines"].flatMap { Int(String($0)) } ?? 5000
            let text = DoublePodRunner.log(
                in: podLogs?.appendingPathComponent("\(target.namespace ?? "default")-\(name)/logs"),
                container: container,
                lines: lines)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case (.get, let name?, "proxy") where target.kind == .pod:
            return try await DoublePodProxy.get(
                target, name: name, store: store, query: request.uri.query, headers: request.headers)
        case (.get, let name?, "scale") where target.kind == .deployment:
            return Self.json(Self.scale(of: try existing(target, name)), status: 200)
        case (.patch, let name?, "scale") where target.kind == .deployment,
            (.put, let name?, "scale") where target.kind == .deployment:
            if request.method == .patch { try requireMergePatch(request) }
            let sent = try await body(of: request)
            let current = Self.scale(of: try existing(target, name))
            let scale = request.method == .patch ? JSONMergePatch.apply(sent, to: current) : sent
            guard let replicas = scale["spec"]?["replicas"]?.numberValue, replicas >= 0, replicas == replicas.rounded()
            else {
                throw DoubleStatus.invalid(
                    target.kind, name, "spec.replicas: Invalid value: must be a whole number ≥ 0")
            }
            let updated = try store.patch(
                target.kind, namespace: target.namespace, name: name, ["spec": ["replicas": .number(replicas)]])
            recordSent(request, Self.scale(of: updated))
            onChange()
            return Self.json(Self.scale(of: updated), status: 200)
        default:
            throw DoubleStatus.methodNotAllowed()
        }
    }

    private func existing(_ target: DoubleRequestPath, _ name: String) throws(DoubleStatus) -> JSONValue {
        guard let object = store.object(target.kind, namespace: target.namespace, name: name) else {
            throw DoubleStatus.notFound(target.kind, name)
        }
        return object
    }

    private func requireMergePatch(_ request: Request) throws(DoubleStatus) {
        let type = request.headers[.contentType] ?? ""
        guard type.hasPrefix("application/merge-patch+json") else {
            throw DoubleStatus(
                code: 415, reason: "UnsupportedMediaType",
                message: "the double supports only application/merge-patch+json patches, not \(type)")
        }
    }

    private func body(of request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: 16 << 20)
        do {
            return try JSONValue(parsing: Data(buffer.readableBytesView))
        } catch {
            throw DoubleStatus.badRequest("the body of the request is not JSON: \(error)")
        }
    }

    /// A Deployment's `autoscaling/v1` Scale.
    static func scale(of deployment: JSONValue) -> JSONValue {
        let labels = deployment["spec"]?["selector"]?["matchLabels"]?.objectValue ?? [:]
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": [
                "name": deployment["metadata"]?["name"] ?? .null,
                "namespace": deployment["metadata"]?["namespace"] ?? .null,
                "resourceVersion": deployment["metadata"]?["resourceVersion"] ?? .null,
            ],
            "spec": ["replicas": deployment["spec"]?["replicas"] ?? 1],
            "status": [
                "replicas": deployment["status"]?["replicas"] ?? 0,
                "selector": .string(
                    labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ",")),
            ],
        ]
    }

    /// A `watch=true` answer: one JSON event per line, until the timeout or the client leaves.
    private func watch(
        _ target: DoubleRequestPath, selector: DoubleLabelSelector, after version: Int?, timeoutSeconds: Int
    )
        throws(DoubleStatus) -> Response
    {
        let watched: (id: Int, events: AsyncStream<DoubleState.Event>)
        do {
            watched = try store.watch(target.kind, namespace: target.namespace, selector: selector, after: version)
        } catch let status where status.code == 410 {
            // As a real API server (its watch cache) does: 200, then the expiry as an ERROR event.
            let line: JSONValue = ["type": "ERROR", "object": status.body]
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: line.canonicalJSON + "\n")))
        }
        let (id, events) = watched
        let store = self.store
        let body = ResponseBody { writer in
            defer { store.stopWatching(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await Task.sleep(for: .seconds(timeoutSeconds))
                    store.stopWatching(id)
                }
                for await event in events {
                    let line: JSONValue = ["type": .string(event.type), "object": event.object]
                    try await writer.write(ByteBuffer(string: line.canonicalJSON + "\n"))
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: body)
    }

    static func json(_ value: JSONValue, status: Int) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.canonicalJSON)))
    }
}
