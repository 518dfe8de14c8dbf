import BerthCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// A test double of a Kubernetes API server: a real HTTP server on 127.0.0.1 speaking the REST
/// protocol for what Berth uses — create/get/list (paginated with `limit`/`continue`)/replace/
/// merge-patch/delete, `watch=true` streams, `resourceVersion` (conflicts, and expiry as an
/// in-stream `ERROR` event with a 410 `Status`), 404/409/422 `Status` bodies, a Deployment's
/// `scale` subresource, `/version`, Nodes with allocatable CPU, and namespaces that stay
/// `Terminating` for a while after a delete.
///
/// It also serves discovery (so `kubectl` and client-go work against it), keeps ReplicaSets
/// between Deployments and Pods, refuses changes to immutable fields, and with an `authorization`
/// enforces RBAC (including the escalation check for Roles).
///
/// It is a double, not a cluster: it keeps objects in memory and checks names, labels and the
/// rules above itself; schemas are checked at the end of each test suite (`SentObjects`,
/// `python -m k8s_validator.strict`). It does no authentication (any token is the configured
/// identity) and no TLS (it serves plain HTTP; kubeconfig handling of certificates is unit-tested
/// apart).
///
/// ```swift
/// try await KubernetesAPIDouble.withRunning(.init(nodes: [.init(name: "n1", cpu: "4")])) { double in
///     let kubeconfig = double.kubeconfig()   // point Berth at it
/// }
/// ```
public enum KubernetesAPIDouble {
    /// What the double starts with.
    public struct Configuration: Sendable {
        /// The nodes it reports (`GET /api/v1/nodes`).
        public var nodes: [Node]
        /// Namespaces that exist from the start (`default` and `kube-system`, as in a cluster).
        public var namespaces: [String]
        /// `gitVersion` of `/version` (`vMAJOR.MINOR.PATCH…`): its major and minor version are
        /// `/version`'s too, and decide what the double accepts (the `sleep` preStop action from 1.30).
        public var serverVersion: String
        /// How Pods are run; nil creates and schedules Pods without starting anything.
        public var podRuntime: PodRuntime?
        /// Seconds a deleted namespace stays `Terminating` (its content gone, new content refused
        /// with 403) before it disappears, as on a real cluster; 0 removes it at once.
        public var namespaceTerminationSeconds: Double
        /// Where the objects clients send are recorded for a schema check; nil records into
        /// `SentObjects.current` (the running suite's, when a test trait set one), if any.
        public var sentObjects: SentObjects?
        /// The identity of every client and its RBAC rules; nil authorizes everything.
        public var authorization: Authorization?

        public init(
            nodes: [Node] = [Node(name: "node-1", cpu: "4")], namespaces: [String] = ["default", "kube-system"],
            serverVersion: String = "v1.31.0-berth-double", podRuntime: PodRuntime? = nil,
            namespaceTerminationSeconds: Double = 0, sentObjects: SentObjects? = nil,
            authorization: Authorization? = nil
        ) {
            self.authorization = authorization
            self.nodes = nodes
            self.namespaces = namespaces
            self.serverVersion = serverVersion
            self.podRuntime = podRuntime
            self.namespaceTerminationSeconds = namespaceTerminationSeconds
            self.sentObjects = sentObjects
        }
    }

    /// How the double "runs" a Pod: its `berth replica` container as a local process of
    /// `berthExecutable`, on the Pod's own loopback address (127.0.0.N), with volumes as folders.
    public struct PodRuntime: Sendable {
        /// The `berth` binary that stands in for the image's.
        public var berthExecutable: URL
        /// The Python that stands in for the image's `python3`.
        public var python: String
        /// Where Pod volumes and logs go.
        public var workDirectory: URL
        /// More environment variables for every container (e.g. `BERTH_PYTHONPATH`).
        public var environment: [String: String]

        public init(berthExecutable: URL, python: String, workDirectory: URL, environment: [String: String] = [:]) {
            self.berthExecutable = berthExecutable
            self.python = python
            self.workDirectory = workDirectory
            self.environment = environment
        }
    }

    /// A node of the double's pretend cluster.
    public struct Node: Sendable, Hashable {
        public var name: String
        /// Allocatable CPU as a quantity (`"4"`, `"3500m"`).
        public var cpu: String
        /// Allocatable memory as a quantity.
        public var memory: String
        /// Whether its `Ready` condition is `True`.
        public var isReady: Bool

        public init(name: String, cpu: String, memory: String = "16Gi", isReady: Bool = true) {
            self.name = name
            self.cpu = cpu
            self.memory = memory
            self.isReady = isReady
        }
    }

    /// Runs a double for the duration of `body`, then stops it.
    public static func withRunning<T: Sendable>(
        _ configuration: Configuration = Configuration(), logger: Logger = quietLogger,
        _ body: @Sendable (RunningKubernetesAPIDouble) async throws -> T
    ) async throws -> T {
        let version = configuration.kubernetesVersion
        let store = DoubleStore(
            namespaceTerminationSeconds: configuration.namespaceTerminationSeconds,
            serverHasSleepAction: version.major > 1 || version.minor >= 30)
        for namespace in configuration.namespaces {
            try store.create(.namespace, namespace: nil, ["metadata": ["name": .string(namespace)]])
        }
        for node in configuration.nodes {
            try store.create(.node, namespace: nil, nodeObject(node))
        }
        let controller = DoubleController(store: store, runtime: configuration.podRuntime)
        let responder = DoubleResponder(
            store: store, serverVersion: configuration.serverVersion, kubernetesVersion: version,
            podLogs: configuration.podRuntime?.workDirectory,
            onChange: { controller.wake() }, sentObjects: configuration.sentObjects ?? SentObjects.current,
            authorizer: configuration.authorization.map(DoubleAuthorizer.init(authorization:)))
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
                await responder.respond(to: request)
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "berth-kubernetes-double"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            group.addTask {
                await controller.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                throw DoubleStartError()
            }
            let running = RunningKubernetesAPIDouble(
                url: URL(string: "http://127.0.0.1:\(port)")!, store: store)
            defer { group.cancelAll() }
            return try await body(running)
        }
    }

    /// Logs only critical events: the HTTP server reports being cancelled at the end of every
    /// test as an error, which is noise here.
    public static var quietLogger: Logger {
        var logger = Logger(label: "berth.kubernetes-double")
        logger.logLevel = .critical
        return logger
    }

    static func nodeObject(_ node: Node) -> JSONValue {
        [
            "metadata": ["name": .string(node.name), "labels": ["kubernetes.io/hostname": .string(node.name)]],
            "status": [
                "allocatable": ["cpu": .string(node.cpu), "memory": .string(node.memory), "pods": "110"],
                "capacity": ["cpu": .string(node.cpu), "memory": .string(node.memory), "pods": "110"],
                "conditions": [["type": "Ready", "status": .string(node.isReady ? "True" : "False")]],
            ],
        ]
    }
}

struct DoubleStartError: Error, CustomStringConvertible {
    var description: String { "The Kubernetes API double's HTTP server did not start." }
}

/// A running double: where it listens, a kubeconfig for it, and a look at its objects for tests.
public struct RunningKubernetesAPIDouble: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let url: URL
    let store: DoubleStore

    /// The text of a kubeconfig whose one context points at the double (with a dummy token, which
    /// the double does not check).
    public func kubeconfig(context: String = "double", namespace: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: \(context)
        clusters:
        - name: double-cluster
          cluster:
            server: \(url.absoluteString)
        contexts:
        - name: \(context)
          context:
            cluster: double-cluster
            user: double-user\(namespace.map { "\n    namespace: \($0)" } ?? "")
        users:
        - name: double-user
          user:
            token: double-token-not-checked
        """
    }

    /// The object of `kind` (e.g. `Deployment`) at `namespace`/`name`, as stored.
    public func object(kind: String, namespace: String?, name: String) -> JSONValue? {
        guard let kind = DoubleKind.all.first(where: { $0.kind == kind }) else { return nil }
        return store.object(kind, namespace: namespace, name: name)
    }

    /// Every object of `kind`, in every namespace.
    public func objects(kind: String) -> [JSONValue] {
        guard let kind = DoubleKind.all.first(where: { $0.kind == kind }) else { return [] }
        return store.list(kind, namespace: nil, selector: DoubleLabelSelector(nil)).items
    }
}

extension KubernetesAPIDouble.Configuration {
    /// Major and minor version of `serverVersion` (`v1.28.5-eks-…` → 1, 28); 1.31 when unreadable.
    var kubernetesVersion: (major: Int, minor: Int) {
        let parts = serverVersion.drop { $0 == "v" }.split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return (1, 31) }
        return (major, minor)
    }
}
