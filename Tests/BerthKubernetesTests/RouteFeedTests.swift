import AsyncHTTPClient
import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The control plane's route feed (`GET /api/v1/routes`), through a real `berth server` with a
/// cluster (the API double) attached: who may read it, what it serves, the watch stream.
@Suite(.validatesSentObjects)
struct RouteFeedTests {
    @Test(
        "The feed answers only to the cluster's feed token and streams tables and heartbeats", .timeLimit(.minutes(3)))
    func feed() async throws {
        let folder = try TemporaryDirectory("berth-feed")
        defer { folder.remove() }
        try await KubernetesAPIDouble.withRunning(.init(nodes: [.init(name: "n1", cpu: "4")])) { double in
            let home = folder.appending("home")
            let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
            try await BerthServer.withRunning(home: home) { server in
                try await check(double: double, server: server, kubeconfig: kubeconfig)
            }
        }
    }

    /// The token attach put in the cluster for the router Pods.
    static func feedToken(_ double: RunningKubernetesAPIDouble) throws -> String {
        let secret = try #require(double.object(kind: "Secret", namespace: "berth-system", name: "berth-router"))
        let encoded = try #require(secret["data"]?["feed-token"]?.stringValue)
        return try #require(Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) })
    }

    func check(double: RunningKubernetesAPIDouble, server: BerthServer, kubeconfig: URL) async throws {
        let attached = try await BerthCLI.run(
            [
                "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
                "--cluster-purpose", "DevTest",
            ],
            home: server.home, timeout: .seconds(60))
        try #require(attached.succeeded, "\(attached)")
        let token = try Self.feedToken(double)
        #expect(token.count >= 32)
        let routes = "\(server.baseURL)/api/v1/routes?compute=aks-1"

        // Refusals: the same 401 JSON body for no token, a wrong one, the admin token, another cluster.
        for (headers, what) in [
            ([], "no token"), ([("Authorization", "Bearer wrong")], "a wrong token"),
            ([("Authorization", "Bearer \(try server.adminToken())")], "the admin token"),
        ] as [([(String, String)], String)] {
            let refused = try await TestHTTP.get(routes, headers: headers)
            #expect(refused.status == 401, "\(what)")
            let body = try refused.json() as? [String: Any]
            let error = body?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "Unauthorized", "\(what): \(refused.text)")
            #expect((error?["message"] as? String)?.contains("feed token") == true)
        }
        let auth = [("Authorization", "Bearer \(token)")]
        #expect(try await TestHTTP.get("\(server.baseURL)/api/v1/routes?compute=other", headers: auth).status == 401)
        #expect(try await TestHTTP.get("\(server.baseURL)/api/v1/routes", headers: auth).status == 400)

        let served = try await TestHTTP.get(routes, headers: auth)
        #expect(served.status == 200, "\(served.text)")
        let table = try JSONDecoder().decode(RouteTable.self, from: Data(served.body.readableBytesView))
        #expect(table.services.isEmpty)

        // The watch: the table at once, heartbeats while nothing changes, a new generation after a change.
        var request = HTTPClientRequest(url: routes + "&watch=true&heartbeatSeconds=1&timeoutSeconds=20")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "Content-Type") == "application/x-ndjson")
        var events: [RouteFeedEvent] = []
        var pending = Data()
        var rotated = false
        read: for try await chunk in response.body {
            pending.append(contentsOf: chunk.readableBytesView)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                events.append(try JSONDecoder().decode(RouteFeedEvent.self, from: Data(pending[..<newline])))
                pending = Data(pending[pending.index(after: newline)...])
                if !rotated, events.contains(where: { $0.type == .heartbeat }) {
                    // A new signing key changes the table's token keys: a new table goes out.
                    let rotation = try await TestHTTP.post(
                        "\(server.baseURL)/api/v1/workspace/rotateSigningKey", "{}",
                        headers: [
                            ("Authorization", "Bearer \(try server.adminToken())"),
                            ("Content-Type", "application/json"),
                        ])
                    #expect(rotation.status == 200, "\(rotation.text)")
                    rotated = true
                }
                if events.filter({ $0.type == .routes }).count >= 2 { break read }
            }
        }
        let tables = events.compactMap(\.table)
        #expect(events.first?.type == .routes)
        #expect(tables.count == 2, "\(events.map(\.type))")
        if tables.count == 2 {
            #expect(tables[1].generation > tables[0].generation)
            #expect(tables[1].tokenKeys != tables[0].tokenKeys)
            #expect(tables[1].tokenKeys.allSatisfy { !$0.publicKey.isEmpty })
        }

        // An open watch does not hold the control plane up at shutdown.
        let open = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var iterator = open.body.makeAsyncIterator()
        _ = try await iterator.next()
        let exit = await server.stop(grace: .seconds(15))
        #expect(!exit.isSignal && exit.code == 0, "\(exit)\n\(server.log)")
        #expect(!server.log.contains(token), "the feed token is never logged")
    }
}
