import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird

/// The blob protocol Azure's SDK speaks (azure-storage-blob 12, `x-ms-version: 2021-08-06`) on
/// `/<container>/<blob name>`, each request authorized by the SAS in its query (`BlobGrants`):
///
/// - `PUT` Put Blob (`x-ms-blob-type: BlockBlob`), Put Block (`?comp=block&blockid=…`), Put Block
///   List (`?comp=blocklist`); `If-None-Match: *` refuses an existing name, `Content-sha256` is
///   checked against the body.
/// - `HEAD` Get Blob Properties, `GET` Get Blob (one byte range with `x-ms-range` or `Range`).
///
/// Served by the blob proxy inside its TLS tunnels; errors are Azure's XML (`BlobResponseMiddleware`).
struct BlobRoutes<Context: RequestContext> {
    let blobs: AzureBlobs

    func add(to router: Router<Context>) {
        router.put("**") { request, _ in try await put(request) }
        router.head("**") { request, context in try await read(request, context: context, sendingBody: false) }
        router.get("**") { request, context in try await read(request, context: context, sendingBody: true) }
    }

    private func put(_ request: Request) async throws -> Response {
        let query = Self.query(of: request)
        let candidates = try BlobAddress.candidates(fromPath: request.uri.path)
        let announced = try BlobBody.announcedSHA256(in: request.headers)
        let mustBeNew = request.headers[.ifNoneMatch] == "*"
        let contentType = request.headers[BlobHeader.blobContentType]
        switch query["comp"] {
        case nil:
            guard request.headers[BlobHeader.blobType] == "BlockBlob" else {
                throw BlobStorageError.invalidHeader(
                    "x-ms-blob-type", "must be 'BlockBlob': this server stores block blobs only")
            }
            let address = try await authorizeWrite(query, candidates, operation: "Put Blob", mustBeNew: mustBeNew)
            let blob = try await blobs.putBlob(
                request, to: address, announced: announced, contentType: contentType ?? request.headers[.contentType],
                mustBeNew: mustBeNew)
            return Self.written(blob, echoing: request)
        case "block":
            guard let id = query["blockid"], !id.isEmpty, id.utf8.count <= 1024 else {
                throw BlobStorageError.invalidQuery("blockid", "is missing or longer than 1024 characters")
            }
            let address = try blobs.grants.authorize(query, candidates: candidates, anyOf: "cw", operation: "Put Block")
            try await blobs.blocks.put(
                request, id: id, of: address, announced: announced, limit: blobs.configuration.maxBodyBytes,
                maxBlocks: blobs.configuration.maxUncommittedBlocks)
            return Self.written(nil, echoing: request)
        case "blocklist":
            let address = try await authorizeWrite(query, candidates, operation: "Put Block List", mustBeNew: mustBeNew)
            var xml: [UInt8] = []
            let received = try await BlobBody.stream(
                request, limit: Int64(blobs.configuration.maxBlockListBytes), what: "Put Block List"
            ) { xml.append(contentsOf: $0) }
            try BlobBody.check(received, against: announced, what: "the block list of \(address)")
            let entries = try BlockListXML.parse(String(decoding: xml, as: UTF8.self))
            let blob = try await blobs.commitBlockList(
                entries, to: address, contentType: contentType, mustBeNew: mustBeNew)
            return Self.written(blob, echoing: request)
        case let other?:
            throw BlobStorageError.unsupported(
                "PUT with comp=\(other) is not served here: this server takes Put Blob, Put Block (comp=block) "
                    + "and Put Block List (comp=blocklist).")
        }
    }

    /// The signed address, once the SAS allows creating it (`c` or `w`) or, when it exists,
    /// replacing it (`w`, and no `If-None-Match: *`).
    private func authorizeWrite(
        _ query: [String: String], _ candidates: [BlobAddress], operation: String, mustBeNew: Bool
    ) async throws -> BlobAddress {
        let address = try blobs.grants.authorize(query, candidates: candidates, anyOf: "cw", operation: operation)
        if try await blobs.store.blob(container: address.container, name: address.name) != nil {
            if mustBeNew { throw BlobStorageError.blobAlreadyExists(container: address.container, name: address.name) }
            _ = try blobs.grants.authorize(
                query, candidates: [address], anyOf: "w", operation: "\(operation) over an existing blob")
        }
        return address
    }

    private func read(_ request: Request, context: Context, sendingBody: Bool) async throws -> Response {
        let query = Self.query(of: request)
        let operation = sendingBody ? "Get Blob" : "Get Blob Properties"
        if let comp = query["comp"] {
            throw BlobStorageError.unsupported(
                "\(request.method) with comp=\(comp) is not served here: this server takes \(operation) only.")
        }
        let candidates = try BlobAddress.candidates(fromPath: request.uri.path)
        let address = try blobs.grants.authorize(query, candidates: candidates, anyOf: "r", operation: operation)
        guard let blob = try await blobs.store.blob(container: address.container, name: address.name) else {
            throw BlobStorageError.blobNotFound(container: address.container, name: address.name)
        }
        var headers = Self.properties(of: blob)
        guard sendingBody else {
            headers[.contentLength] = String(blob.size)
            return Response(status: .ok, headers: headers)
        }
        guard let file = blobs.artifacts.location(of: blob.digest) else {
            throw BerthError(
                .internalError,
                "The bytes of blob \(address) (\(blob.digest)) are missing from the artifact store; upload it again.")
        }
        guard let rangeText = request.headers[BlobHeader.range] ?? request.headers[.range] else {
            headers[.contentLength] = String(blob.size)
            return Response(
                status: .ok, headers: headers, body: try await FileIO().loadFile(path: file.path, context: context))
        }
        let range = try Self.byteRange(rangeText, size: blob.size)
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(blob.size)"
        headers[.contentLength] = String(range.count)
        let body = try await FileIO().loadFile(path: file.path, range: range, context: context)
        return Response(status: .partialContent, headers: headers, body: body)
    }

    /// The query's parameters, unescaped; the first of a repeated name.
    private static func query(of request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)
        }
        return query
    }

    /// `bytes=<first>-<last>`, `bytes=<first>-` or `bytes=-<suffix length>`, within a blob of `size`.
    static func byteRange(_ text: String, size: Int64) throws(BlobStorageError) -> ClosedRange<Int> {
        let spec = text.hasPrefix("bytes=") ? text.dropFirst(6) : ""
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2, !spec.contains(",") else {
            throw .invalidHeader("Range", "'\(text)' is not one range of the form bytes=<first>-<last>")
        }
        let first = Int64(bounds[0])
        let last = Int64(bounds[1])
        let range: (Int64, Int64)
        switch (first, last, bounds[0].isEmpty, bounds[1].isEmpty) {
        case (let first?, let last?, _, _) where first <= last: range = (first, min(last, size - 1))
        case (let first?, nil, _, true): range = (first, size - 1)
        case (nil, let suffix?, true, _) where suffix > 0: range = (max(0, size - suffix), size - 1)
        default: throw .invalidHeader("Range", "'\(text)' is not one range of the form bytes=<first>-<last>")
        }
        guard size > 0, range.0 < size, range.0 <= range.1 else { throw .invalidRange(text, size: size) }
        return Int(range.0)...Int(range.1)
    }
}
