import BerthCore
import BerthKubernetesAPI
import BerthRouterFeed
import Foundation
import Testing

/// The router-side state machine of a cluster router: feed tables and EndpointSlices merged into
/// the table the router serves, with the router's own generations.
struct FeedRouteMergerTests {
    static func feedTable(generation: UInt64, keys: [String] = ["d1"], feedReplicas: [ReplicaEndpoint] = [])
        -> RouteTable
    {
        RouteTable(
            generation: generation,
            services: [
                "echo": ServiceRoute(name: "echo", keyDigests: keys, replicas: feedReplicas),
                "other": ServiceRoute(name: "other", authEnabled: false),
            ],
            tokenKeys: [TokenVerificationKey(kid: "k1", publicKey: "pub")])
    }

    static func slice(_ service: String, _ pods: [(String, String)]) -> SliceEndpoints {
        SliceEndpoints(service: service, replicas: pods.map { ReplicaEndpoint(id: $0.0, host: $0.1, port: 5001) })
    }

    @Test("Nothing to serve before the feed's first table; then its services with the slices' ready endpoints")
    func mergesSlicesIntoFeed() throws {
        var merger = FeedRouteMerger(source: .endpointSlices)
        let beforeFeed = merger.replaceSlices(["s1": Self.slice("echo", [("echo-a", "10.0.0.1")])])
        #expect(beforeFeed == nil)
        let received = merger.receive(
            feed: Self.feedTable(generation: 7, feedReplicas: [ReplicaEndpoint(id: "x", host: "9.9.9.9", port: 1)]))
        let first = try #require(received)
        #expect(first.generation == 1)
        #expect(first.services["echo"]?.replicas == [ReplicaEndpoint(id: "echo-a", host: "10.0.0.1", port: 5001)])
        #expect(first.services["echo"]?.keyDigests == ["d1"])
        #expect(first.services["other"]?.replicas == [])
        #expect(first.tokenKeys.map(\.kid) == ["k1"])

        let afterAdd = merger.updateSlice(named: "s2", Self.slice("echo", [("echo-b", "10.0.0.2")]))
        let scaled = try #require(afterAdd)
        #expect(scaled.generation == 2)
        #expect(scaled.services["echo"]?.replicas.map(\.id) == ["echo-a", "echo-b"])
        let afterRemove = merger.removeSlice(named: "s1")
        let shrunk = try #require(afterRemove)
        #expect(shrunk.generation == 3)
        #expect(shrunk.services["echo"]?.replicas.map(\.id) == ["echo-b"])
    }

    @Test(
        "A change that changes nothing served gives no table; a restarted control plane's low generation still applies")
    func generationsAreTheRouters() throws {
        var merger = FeedRouteMerger(source: .endpointSlices)
        let initial = merger.receive(feed: Self.feedTable(generation: 40))
        _ = try #require(initial)
        let sameContent = merger.receive(feed: Self.feedTable(generation: 41))
        #expect(sameContent == nil, "same content, newer feed generation")
        let foreignSlice = merger.updateSlice(named: "s9", Self.slice("not-in-feed", [("p", "10.0.0.9")]))
        #expect(foreignSlice == nil)
        let afterRestart = merger.receive(feed: Self.feedTable(generation: 1, keys: ["d2"]))
        let rotated = try #require(afterRestart)
        #expect(rotated.generation == 2)
        #expect(rotated.services["echo"]?.keyDigests == ["d2"])
    }

    @Test("A relist replaces every slice; the same endpoint in two slices routes once")
    func relistReplaces() throws {
        var merger = FeedRouteMerger(source: .endpointSlices)
        _ = merger.replaceSlices([
            "s1": Self.slice("echo", [("echo-a", "10.0.0.1")]), "s2": Self.slice("echo", [("echo-a", "10.0.0.1")]),
        ])
        let listed = merger.receive(feed: Self.feedTable(generation: 1))
        let table = try #require(listed)
        #expect(table.services["echo"]?.replicas.count == 1)
        let afterRelist = merger.replaceSlices(["s3": Self.slice("echo", [("echo-c", "10.0.0.3")])])
        let relisted = try #require(afterRelist)
        #expect(relisted.services["echo"]?.replicas.map(\.id) == ["echo-c"])
    }

    @Test("Without a cluster to watch, the feed's replicas route")
    func feedReplicas() throws {
        var merger = FeedRouteMerger(source: .feed)
        let replica = ReplicaEndpoint(id: "echo-0", host: "127.0.0.5", port: 5001)
        let fromFeed = merger.receive(feed: Self.feedTable(generation: 3, feedReplicas: [replica]))
        let table = try #require(fromFeed)
        #expect(table.services["echo"]?.replicas == [replica])
        let sliceIgnored = merger.updateSlice(named: "s1", Self.slice("echo", [("echo-a", "10.0.0.1")]))
        #expect(sliceIgnored == nil)
    }

    @Test("EndpointSlices: the Berth service from the label, ready endpoints on the http port only")
    func readsSlices() throws {
        let slice: JSONValue = [
            "metadata": ["name": "berth-echo-abc", "labels": ["kubernetes.io/service-name": "berth-echo"]],
            "ports": [["name": "metrics", "port": 9000], ["name": "http", "port": 5001]],
            "endpoints": [
                [
                    "addresses": ["10.0.0.1"], "conditions": ["ready": true],
                    "targetRef": ["kind": "Pod", "name": "echo-1"],
                ],
                [
                    "addresses": ["10.0.0.2"], "conditions": ["ready": false],
                    "targetRef": ["kind": "Pod", "name": "echo-2"],
                ],
                ["addresses": ["10.0.0.3"], "conditions": [:]],
                ["addresses": ["10.0.0.4"], "conditions": ["ready": true, "terminating": true]],
            ],
        ]
        let read = try #require(EndpointSliceReader.read(slice))
        #expect(read.name == "berth-echo-abc")
        #expect(read.endpoints.service == "echo")
        #expect(
            read.endpoints.replicas == [
                ReplicaEndpoint(id: "echo-1", host: "10.0.0.1", port: 5001),
                ReplicaEndpoint(id: "10.0.0.3:5001", host: "10.0.0.3", port: 5001),
            ])
        let foreign: JSONValue = [
            "metadata": ["name": "kube-dns-x", "labels": ["kubernetes.io/service-name": "kube-dns"]]
        ]
        #expect(EndpointSliceReader.read(foreign) == nil)
    }

    @Test("Back-off doubles up to its maximum and starts again after a success")
    func backoff() {
        var backoff = FeedBackoff(initial: .milliseconds(100), maximum: .milliseconds(500))
        #expect(
            [backoff.failed(), backoff.failed(), backoff.failed(), backoff.failed()] == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500),
            ])
        backoff.succeeded()
        #expect(backoff.failed() == .milliseconds(100))
    }

    @Test("In a Pod: the API server from the environment, the service account's token, CA and namespace")
    func inCluster() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("berth-sa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("tok-123\n".utf8).write(to: folder.appendingPathComponent("token"))
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: folder.appendingPathComponent("ca.crt"))
        try Data("ml".utf8).write(to: folder.appendingPathComponent("namespace"))
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect(InClusterConfig.isAvailable(environment: environment))
        #expect(!InClusterConfig.isAvailable(environment: [:]))
        let connection = try InClusterConfig.connection(environment: environment, folder: folder)
        #expect(connection.server.absoluteString == "https://10.96.0.1:443")
        #expect(connection.bearerToken == "tok-123")
        #expect(connection.namespace == "ml")
        #expect(connection.certificateAuthorityPEM != nil)
        let other = try InClusterConfig.connection(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"], folder: folder,
            namespace: "prod")
        #expect(other.server.absoluteString == "https://[fd00::1]:6443")
        #expect(other.namespace == "prod")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("token"))
        #expect(throws: (any Error).self) { try InClusterConfig.connection(environment: environment, folder: folder) }
    }
}
