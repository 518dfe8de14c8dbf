import BerthCore
import Foundation
import Hummingbird

/// The artifact service's batch upload step (`history` in discovery): the SDK names the files it
/// is about to upload and gets, per file, an artifact id and a signed blob URL to upload to.
/// Model files, entry scripts and the SDK's driver wrapper all come this way.
struct ArtifactServiceRoutes<Context: RequestContext> {
    let scope: AzureScope
    let blobs: any UploadedBlobs

    /// How long an upload URL stays valid: enough for a large model over a slow link.
    static var grantLifetime: TimeInterval { 8 * 3600 }
    /// The most files one batch may name.
    static var maxPaths: Int { 100_000 }

    private struct BatchRequest: Decodable {
        struct Path: Decodable { var path: String }
        var paths: [Path]
    }

    /// How long a download URL stays valid.
    static var readLifetime: TimeInterval { 3600 }

    func add(to router: Router<Context>) {
        // `Model.download`: read URLs for every file under an asset's prefix.
        router.get(RouterPath(AzureScope.artifacts + "/artifacts/prefix/contentinfo/**")) { _, context in
            try scope.check(context)
            let prefix = context.parameters.getCatchAll().joined(separator: "/")
            let parts = prefix.split(separator: "/", maxSplits: 2).map(String.init)
            guard parts.count == 3 else {
                throw BerthError.badRequest("A content-info prefix is origin/container/path; '\(prefix)' is not.")
            }
            let expiry = Date().addingTimeInterval(Self.readLifetime)
            let files = try await blobs.files(under: prefix, container: UploadedBlob.container)
            let value: [JSONValue] = files.map {
                [
                    "contentUri": .string(
                        blobs.contentURI(
                            container: UploadedBlob.container, name: $0.name, permissions: "r", expiresAt: expiry)),
                    "origin": .string(parts[0]), "container": .string(parts[1]),
                    "path": .string(String($0.name.dropFirst(parts[0].count + parts[1].count + 2))),
                ]
            }
            return try JSONBody.response(["value": .array(value), "continuationToken": nil] as JSONValue)
        }
        router.post(RouterPath(AzureScope.artifacts + "/artifacts/batch/metadata/:origin/:container")) {
            request, context in
            try scope.check(context)
            let origin = try context.parameters.require("origin")
            let folder = try context.parameters.require("container")
            for part in [origin, folder] {
                guard !part.isEmpty, !part.contains(".."),
                    part.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) })
                else {
                    throw BerthError.badRequest("'\(part)' is not a valid artifact origin or container name.")
                }
            }
            let batch = try await JSONBody.decode(BatchRequest.self, from: request, what: "artifact batch")
            guard batch.paths.count <= Self.maxPaths else {
                throw BerthError.badRequest(
                    "A batch names at most \(Self.maxPaths) paths; this one names \(batch.paths.count).")
            }
            let expiry = Date().addingTimeInterval(Self.grantLifetime)
            let created = BerthJSON.text(of: Date())
            var artifacts: [String: JSONValue] = [:]
            var contents: [String: JSONValue] = [:]
            for entry in batch.paths {
                try ArtifactFile.validate(path: entry.path)
                let id = "\(origin)/\(folder)/\(entry.path)"
                artifacts[entry.path] = [
                    "artifactId": .string(id), "origin": .string(origin), "container": .string(folder),
                    "path": .string(entry.path), "etag": nil, "createdTime": .string(created), "dataPath": nil,
                ]
                contents[entry.path] = [
                    "contentUri": .string(
                        blobs.contentURI(
                            container: UploadedBlob.container, name: id, permissions: "rcw", expiresAt: expiry)),
                    "origin": .string(origin), "container": .string(folder), "path": .string(entry.path),
                ]
            }
            return try JSONBody.response(
                [
                    "artifacts": .object(artifacts), "artifactContentInformation": .object(contents), "errors": [:],
                ] as JSONValue)
        }
    }
}
