import BerthCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A test double of a container registry's token authentication (Docker Registry v2 with a
/// token service), for what the real `registry` server cannot show without a token server of its
/// own: `HEAD /v2/<repo>/manifests/<tag>` answers 401 with a `Bearer realm=…,service=…,scope=…`
/// challenge unless it carries the token, which `GET /token` hands out for the right Basic
/// credentials. It holds only the tags it was given; it is not a registry.
public enum RegistryDouble {
    /// What the double accepts and holds.
    public struct Configuration: Sendable {
        public var username: String
        public var password: String
        /// `repository:tag` of the images it has.
        public var images: Set<String>

        public init(username: String, password: String, images: Set<String>) {
            self.username = username
            self.password = password
            self.images = images
        }
    }

    /// The token `GET /token` gives for the right credentials.
    public static let token = "registry-double-token"

    /// Runs the double on 127.0.0.1 (a port the OS chose) while `body` runs; `body` gets its URL.
    public static func withRunning<T: Sendable>(
        _ configuration: Configuration, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let address = Mutex<String>("")
        let app = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
                respond(to: request, configuration: configuration, realm: address.withLock { $0 } + "/token")
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "berth-registry-double"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: KubernetesAPIDouble.quietLogger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw DoubleStartError() }
            let url = "http://127.0.0.1:\(port)"
            address.withLock { $0 = url }
            defer { group.cancelAll() }
            return try await body(url)
        }
    }

    static func respond(to request: Request, configuration: Configuration, realm: String) -> Response {
        let path = request.uri.path
        if path == "/token" {
            let expected = "Basic " + Data("\(configuration.username):\(configuration.password)".utf8).base64EncodedString()
            guard request.headers[.authorization] == expected else { return Response(status: .unauthorized) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"token": "\#(token)"}"#)))
        }
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "v2", parts[parts.count - 2] == "manifests" else {
            return Response(status: .notFound)
        }
        let repository = parts[1..<(parts.count - 2)].joined(separator: "/")
        guard request.headers[.authorization] == "Bearer \(token)" else {
            var headers = HTTPFields()
            headers[HTTPField.Name("WWW-Authenticate")!] =
                #"Bearer realm="\#(realm)",service="registry-double",scope="repository:\#(repository):pull""#
            return Response(status: .unauthorized, headers: headers)
        }
        let accepted = request.headers[.accept] ?? ""
        guard accepted.contains("application/vnd.oci.image.manifest.v1+json"),
            accepted.contains("application/vnd.docker.distribution.manifest.v2+json")
        else { return Response(status: .notAcceptable) }
        return Response(status: configuration.images.contains("\(repository):\(parts[parts.count - 1])") ? .ok : .notFound)
    }
}
