import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/api/v1/artifacts` (content-addressed uploads and downloads) and `/api/v1/models`.
struct ModelRoutes<Context: RequestContext> {
    let registry: ModelRegistry
    let artifacts: any ArtifactStore

    func add(to router: Router<Context>) {
        router.post("/api/v1/artifacts") { request, _ in try await upload(request) }
        router.get("/api/v1/artifacts/:digest") { _, context in try await download(context) }
        router.post("/api/v1/models") { request, _ in
            let body = try await JSONBody.decode(RegisterModelRequest.self, from: request)
            return try JSONBody.response(try await registry.register(body), status: .created)
        }
        router.get("/api/v1/models") { request, _ in
            let query = request.uri.queryParameters
            let models = try await registry.list(name: query.get("name"), tag: query.get("tag"))
            return try JSONBody.response(ListResponse(value: models))
        }
        router.get("/api/v1/models/:id") { _, context in
            try JSONBody.response(try await registry.model(id: try context.parameters.decoded("id")))
        }
        router.delete("/api/v1/models/:id") { _, context in
            let id = try context.parameters.decoded("id")
            try await registry.delete(id: id)
            return try JSONBody.response(["deleted": id])
        }
    }

    /// Streams the body into the artifact store, hashing as it goes; nothing is published unless
    /// every byte arrived.
    private func upload(_ request: Request) async throws -> Response {
        let upload = try artifacts.beginUpload()
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { try upload.write($0) }
            }
        } catch {
            upload.abort()
            throw error
        }
        // `finish` publishes nothing when the bytes do not match the digest the client announced.
        let result = try upload.finish(expecting: request.headers[.expectedDigest])
        return try JSONBody.response(result, status: .created)
    }

    private func download(_ context: Context) async throws -> Response {
        let digest = try context.parameters.decoded("digest")
        guard let location = artifacts.location(of: digest) else {
            throw BerthError.notFound("No artifact with digest '\(digest)' is stored in this workspace.")
        }
        let body = try await FileIO().loadFile(path: location.path, context: context)
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.expectedDigest] = digest
        return Response(status: .ok, headers: headers, body: body)
    }
}

extension HTTPField.Name {
    /// `x-berth-digest`: the `sha256:<hex>` of an artifact's bytes, sent by uploaders and downloads.
    static let expectedDigest = HTTPField.Name("x-berth-digest")!
}
