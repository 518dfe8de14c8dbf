import BerthAPITypes
import BerthCore
import BerthStore
import Foundation
import OpenAPIRuntime

/// `/api/v1/artifacts` (content-addressed uploads and downloads) and `/api/v1/models`.
extension ControlPlaneAPI {
    /// Streams the body into the artifact store, hashing as it goes; nothing is published unless
    /// every byte arrived.
    func uploadArtifact(_ input: Operations.UploadArtifact.Input) async throws -> Operations.UploadArtifact.Output {
        let upload = try artifacts.beginUpload()
        do {
            if case .binary(let body)? = input.body {
                for try await chunk in body {
                    try chunk.withUnsafeBytes { try upload.write($0) }
                }
            }
        } catch {
            upload.abort()
            throw error
        }
        // `finish` publishes nothing when the bytes do not match the digest the client announced.
        let result = try upload.finish(expecting: input.headers.xBerthDigest)
        return .created(.init(body: .json(try result.checkedConversion())))
    }

    func downloadArtifact(_ input: Operations.DownloadArtifact.Input) async throws
        -> Operations.DownloadArtifact.Output
    {
        let digest = input.path.digest
        guard let location = artifacts.location(of: digest) else {
            throw BerthError.notFound("No artifact with digest '\(digest)' is stored in this workspace.")
        }
        let file = try FileChunks(url: location)
        let body = HTTPBody(file, length: .known(file.size), iterationBehavior: .single)
        return .ok(.init(headers: .init(xBerthDigest: digest), body: .binary(body)))
    }

    func registerModel(_ input: Operations.RegisterModel.Input) async throws -> Operations.RegisterModel.Output {
        let body: RegisterModelRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        return .created(.init(body: .json(try await registry.register(body).checkedConversion())))
    }

    func listModels(_ input: Operations.ListModels.Input) async throws -> Operations.ListModels.Output {
        let models = try await registry.list(name: input.query.name, tag: input.query.tag)
        return .ok(.init(body: .json(try ListResponse(value: models).checkedConversion())))
    }

    func getModel(_ input: Operations.GetModel.Input) async throws -> Operations.GetModel.Output {
        .ok(.init(body: .json(try await registry.model(id: input.path.id).checkedConversion())))
    }

    func deleteModel(_ input: Operations.DeleteModel.Input) async throws -> Operations.DeleteModel.Output {
        try await registry.delete(id: input.path.id)
        return .ok(.init(body: .json(.init(deleted: input.path.id))))
    }
}
