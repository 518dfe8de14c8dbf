import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import BerthControlPlane

/// The blob protocol through the routes (no TLS, no sockets): what Azure's SDK does to upload a
/// model, and that nothing is stored unless every byte arrived as announced.
struct BlobRoutesTests {
    static func sha256Base64(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = ContentDigest.Hasher()
        Array(bytes).withUnsafeBytes { hasher.update($0) }
        return Data(hasher.finalize()).base64EncodedString()
    }

    /// What azure-storage-blob sends with Put Blob (`upload_blob`, `overwrite=False`).
    static func putBlobHeaders(_ body: ByteBuffer, sha256: String? = nil) -> HTTPFields {
        [
            BlobHeader.blobType: "BlockBlob", .ifNoneMatch: "*", .contentType: "application/octet-stream",
            BlobHeader.contentSHA256: sha256 ?? sha256Base64(body.readableBytesView),
            BlobHeader.version: "2021-08-06", BlobHeader.clientRequestID: "client-1",
        ]
    }

    @Test func putBlobThenPropertiesContentAndRange() async throws {
        let fixture = try BlobFixture()
        defer { fixture.scratch.cleanUp() }
        let bytes = Array(String(repeating: "model-bytes ", count: 1000).utf8)
        let body = ByteBuffer(bytes: bytes)
        let uri = BlobFixture.pathAndQuery(fixture.uri("LocalUpload/c1/model.pkl"))
        try await fixture.application().test(.router) { client in
            let etag = try await client.execute(uri: uri, method: .put, headers: Self.putBlobHeaders(body), body: body)
            {
                response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(response.headers[BlobHeader.contentSHA256] == Self.sha256Base64(bytes))
                #expect(response.headers[BlobHeader.version] == "2021-08-06")
                #expect(response.headers[BlobHeader.clientRequestID] == "client-1")
                #expect(response.headers[.requestID] != nil)
                #expect(response.headers[BlobHeader.serverEncrypted] == "true")
                #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
                return try #require(response.headers[.eTag])
            }
            #expect(etag.hasPrefix("\"0x"))
            try await client.execute(uri: uri, method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(bytes.count))
                #expect(response.headers[BlobHeader.blobType] == "BlockBlob")
                #expect(response.headers[.eTag] == etag)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == bytes)
            }
            try await client.execute(uri: uri, method: .get, headers: [BlobHeader.range: "bytes=6-10"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 6-10/\(bytes.count)")
                #expect(String(buffer: response.body) == "bytes")
            }
            // The SDK's overwrite=False: If-None-Match: * on a taken name.
            try await client.execute(uri: uri, method: .put, headers: Self.putBlobHeaders(body), body: body) {
                response in
                #expect(response.status == .conflict)
                #expect(response.headers[BlobHeader.errorCode] == "BlobAlreadyExists")
                let xml = String(buffer: response.body)
                #expect(
                    xml.hasPrefix(
                        #"<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobAlreadyExists</Code><Message>"#))
                #expect(xml.contains("RequestId:"))
            }
        }
        let stored = try #require(try await fixture.store.blob(container: "azureml", name: "LocalUpload/c1/model.pkl"))
        #expect(stored.digest == "sha256:" + ContentDigest.sha256Hex(Data(bytes)))
        #expect(stored.size == Int64(bytes.count))
        #expect(fixture.artifacts.contains(stored.digest))
    }

    @Test func aHashMismatchStoresNothing() async throws {
        let fixture = try BlobFixture()
        defer { fixture.scratch.cleanUp() }
        let body = ByteBuffer(string: "the bytes that arrived")
        let uri = BlobFixture.pathAndQuery(fixture.uri("LocalUpload/c2/model.pkl"))
        try await fixture.application().test(.router) { client in
            let headers = Self.putBlobHeaders(body, sha256: Self.sha256Base64(Array("the bytes that were sent".utf8)))
            try await client.execute(uri: uri, method: .put, headers: headers, body: body) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[BlobHeader.errorCode] == "Md5Mismatch")
                #expect(String(buffer: response.body).contains("nothing was stored"))
            }
            try await client.execute(uri: uri, method: .head) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[BlobHeader.errorCode] == "BlobNotFound")
            }
        }
        #expect(try await fixture.store.blob(container: "azureml", name: "LocalUpload/c2/model.pkl") == nil)
        #expect(fixture.artifactCount() == 0)
    }

    @Test func aBlockListConcatenatesItsBlocksInOrder() async throws {
        let fixture = try BlobFixture()
        defer { fixture.scratch.cleanUp() }
        let name = "LocalUpload/c3/big.pkl"
        let base = BlobFixture.pathAndQuery(fixture.uri(name))
        let blocks = (0..<3).map { index in Array(String(repeating: "\(index)", count: 1000 + index).utf8) }
        let ids = (0..<3).map { Data("block-\($0)".utf8).base64EncodedString() }
        try await fixture.application().test(.router) { client in
            for index in [2, 0, 1] {
                let body = ByteBuffer(bytes: blocks[index])
                let headers: HTTPFields = [BlobHeader.contentSHA256: Self.sha256Base64(blocks[index])]
                try await client.execute(
                    uri: base + "&comp=block&blockid=" + BlobAddress.escaped(ids[index]), method: .put,
                    headers: headers,
                    body: body
                ) { response in #expect(response.status == .created, "\(String(buffer: response.body))") }
            }
            func commit(_ ids: [String]) async throws -> TestResponse {
                let xml =
                    "<?xml version='1.0' encoding='utf-8'?>\n<BlockList>"
                    + ids.map { "<Latest>\($0)</Latest>" }.joined() + "</BlockList>"
                let headers: HTTPFields = [
                    .ifNoneMatch: "*", .contentType: "application/xml",
                    BlobHeader.contentSHA256: Self.sha256Base64(Array(xml.utf8)),
                ]
                return try await client.execute(
                    uri: base + "&comp=blocklist", method: .put, headers: headers, body: ByteBuffer(string: xml))
            }
            let unknown = try await commit([ids[0], Data("never-put".utf8).base64EncodedString()])
            #expect(unknown.status == .badRequest)
            #expect(unknown.headers[BlobHeader.errorCode] == "InvalidBlockList")
            #expect(fixture.artifactCount() == 0)
            let committed = try await commit(ids)
            #expect(committed.status == .created, "\(String(buffer: committed.body))")
            #expect(committed.headers[.eTag] != nil)
            try await client.execute(uri: base, method: .get) { response in
                #expect(Array(response.body.readableBytesView) == blocks.flatMap { $0 })
            }
            // The blocks are gone once committed, and If-None-Match: * refuses a second commit.
            let address = BlobAddress(container: "azureml", name: name)
            #expect(ids.allSatisfy { fixture.blobs.blocks.existingFile(ofBlock: $0, of: address) == nil })
            #expect(try await commit(ids).status == .conflict)
        }
        let stored = try #require(try await fixture.store.blob(container: "azureml", name: name))
        #expect(stored.size == Int64(blocks.map(\.count).reduce(0, +)))
        #expect(fixture.artifactCount() == 1)
    }

    @Test func aReadOnlyGrantCannotWriteAndBodiesAndBlocksHaveLimits() async throws {
        var configuration = AzureBlobs.Configuration()
        configuration.maxBodyBytes = 1000
        configuration.maxUncommittedBlocks = 1
        let fixture = try BlobFixture(configuration: configuration)
        defer { fixture.scratch.cleanUp() }
        let small = ByteBuffer(string: "small")
        let large = ByteBuffer(repeating: 1, count: 2000)
        try await fixture.application().test(.router) { client in
            let readOnly = BlobFixture.pathAndQuery(fixture.uri("LocalUpload/c4/a.pkl", permissions: "r"))
            try await client.execute(uri: readOnly, method: .put, headers: Self.putBlobHeaders(small), body: small) {
                response in
                #expect(response.status == .forbidden)
                #expect(response.headers[BlobHeader.errorCode] == "AuthorizationPermissionMismatch")
            }
            let writable = BlobFixture.pathAndQuery(fixture.uri("LocalUpload/c4/b.pkl"))
            try await client.execute(uri: writable, method: .put, headers: Self.putBlobHeaders(large), body: large) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[BlobHeader.errorCode] == "RequestBodyTooLarge")
            }
            for (id, status) in [("QQ==", HTTPResponse.Status.created), ("Qg==", .conflict), ("QQ==", .created)] {
                let block = writable + "&comp=block&blockid=" + BlobAddress.escaped(id)
                try await client.execute(uri: block, method: .put, body: small) { response in
                    #expect(response.status == status, "block \(id): \(String(buffer: response.body))")
                    if status == .conflict {
                        #expect(response.headers[BlobHeader.errorCode] == "BlockCountExceedsLimit")
                    }
                }
            }
            try await client.execute(uri: writable, method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[BlobHeader.errorCode] == "UnsupportedHttpVerb")
            }
        }
        #expect(fixture.artifactCount() == 0)
    }

    @Test func blockListsParseAllThreeListsAndEntities() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <BlockList>
              <Committed>QQ==</Committed>
              <Uncommitted>Qg&#61;&#x3D;</Uncommitted>
              <Latest>a&amp;b</Latest>
            </BlockList>
            """
        #expect(
            try BlockListXML.parse(xml) == [
                .init(list: "Committed", id: "QQ=="), .init(list: "Uncommitted", id: "Qg=="),
                .init(list: "Latest", id: "a&b"),
            ])
        #expect(try BlockListXML.parse("<BlockList/>") == [])
        #expect(throws: BlobStorageError.self) { try BlockListXML.parse("<BlockList><Latest>x</BlockList>") }
        #expect(throws: BlobStorageError.self) { try BlockListXML.parse("<Other/>") }
    }
}
