import BerthCore
import BerthTesting
import Foundation
import Synchronization
import Testing

/// The autoscaler against a real server, real replicas of the `slow` fixture (200 ms per request)
/// and real load through the router.
@Suite(.timeLimit(.minutes(5)))
struct AutoscaleTests {
    /// A server whose scale-down window is `scaleDownDelay` seconds (60 in production; short here
    /// so the test sees it), a local cluster of 4 cores and `memoryGB`, and the slow fixture deployed as `slow-svc`.
    struct Scaled {
        let folder: TemporaryDirectory
        let home: URL
        let server: BerthServer
        let scoringURI: String
        let key: String

        static func start(
            memoryGB: String, maxReplicas: Int, targetUtilization: Int = 70, scaleDownDelay: Int
        ) async throws -> Scaled {
            let folder = try TemporaryDirectory("berth-autoscale")
            let home = folder.appending("home")
            let server = try await BerthServer.start(
                home: home, extraArguments: ["--scale-down-delay", String(scaleDownDelay)])
            do {
                try await berth(
                    "computetarget", "create", "local", "-n", "cluster", "--cluster-purpose", "DevTest", "--cores", "4",
                    "--memory-gb", memoryGB, home: home)
                let model = try folder.write(Data("weights\n".utf8), to: "model/model.txt")
                try await berth("model", "register", "-n", "slow-model", "-p", model.path, home: home)
                let config = """
                    {"computeType": "aks", "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25},
                     "autoScaler": {"autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": \(maxReplicas),
                                    "targetUtilization": \(targetUtilization), "refreshPeriodInSeconds": 1},
                     "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 10000}
                    """
                let dc = try folder.write(Data(config.utf8), to: "deploymentconfig.json")
                try await berth(
                    "model", "deploy", "-n", "slow-svc", "-m", "slow-model:1", "--ic",
                    TestPaths.corpus("slow").appendingPathComponent("inferenceconfig.json").path, "--dc", dc.path,
                    "--ct", "cluster", home: home)
                let service = try await berthJSON(Webservice.self, "service", "show", "-n", "slow-svc", home: home)
                let keys = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", "slow-svc", home: home)
                return Scaled(
                    folder: folder, home: home, server: server, scoringURI: try #require(service.scoringUri),
                    key: keys.primaryKey)
            } catch {
                await server.stop()
                folder.remove()
                throw error
            }
        }

        func service() async throws -> Webservice {
            try await berthJSON(Webservice.self, "service", "show", "-n", "slow-svc", home: home)
        }

        func stop() async {
            await server.stop()
            folder.remove()
        }
    }

    @Test(
        "Load scales the service up to maxReplicas at once, queued requests wait, and it scales down step by step after the window"
    )
    func scalesUpAndDown() async throws {
        // Target 50 %: one client (about 1 in flight) needs 2 replicas with a wide margin on both
        // sides, so the lighter phase holds steady at 2 however fast this machine answers.
        let scaled = try await Scaled.start(memoryGB: "8", maxReplicas: 3, targetUtilization: 50, scaleDownDelay: 4)
        do {
            #expect(try await scaled.service().desiredReplicas == 1)
            let load = ScoringLoad()
            let loadStarted = Date()
            async let driving: Void = load.run(clients: 4, uri: scaled.scoringURI, key: scaled.key)
            // 4 in flight at 50 % of 1 per replica needs 8; maxReplicas bounds it to 3.
            try await waitUntil(timeout: .seconds(60)) {
                let service = try await scaled.service()
                return service.desiredReplicas == 3 && service.readyReplicas == 3
            }
            // Hold the load a little longer at 3 replicas: the count stays at the bound.
            try await Task.sleep(for: .seconds(2))
            // One client from now on: it needs ceil(1 / 0.5) = 2 replicas.
            let light = ScoringLoad()
            async let lightDriving: Void = light.run(clients: 1, uri: scaled.scoringURI, key: scaled.key)
            load.stop()
            await driving
            let stepDown = Date()
            let busy = try await scaled.service()
            #expect(busy.desiredReplicas == 3)
            #expect(load.failures.isEmpty, "every request, queued ones included, answered 200: \(load.failures)")
            #expect(load.succeeded > 10)
            // Newest first. The step is acted on at the first sample (on a partial mean), then at most
            // once per refresh period until the bound.
            let ups = (busy.autoscaler?.events ?? []).filter { $0.kind == .scaleUp }
            let first = try #require(ups.last, "\(String(describing: busy.autoscaler))")
            #expect(first.fromReplicas == 1 && ups.first?.toReplicas == 3, "\(ups)")
            #expect(ups.count <= 2, "\(ups)")
            #expect(first.reason.contains("over the 50 % target"), "\(first.reason)")
            #expect(
                first.time.timeIntervalSince(loadStarted) < 10, "the scale-up was decided soon after the load started")
            #expect(busy.autoscaler?.enabled == true && busy.autoscaler?.maxReplicas == 3)

            // Lighter load: down to 2 while it lasts (the removed replica drains: no request fails),
            // not before the 4 s window; then idle: down to 1.
            try await waitUntil(timeout: .seconds(60)) { try await scaled.service().desiredReplicas == 2 }
            try await Task.sleep(for: .seconds(2))
            light.stop()
            await lightDriving
            let loadStopped = Date()
            #expect(light.failures.isEmpty, "no request failed while a replica was removed: \(light.failures)")
            #expect(light.succeeded > 5)
            try await waitUntil(timeout: .seconds(60)) { try await scaled.service().desiredReplicas == 1 }
            let idle = try await scaled.service()
            let downs = (idle.autoscaler?.events ?? []).filter { $0.kind == .scaleDown }
            #expect(downs.count == 2, "\(downs)")
            #expect(downs.allSatisfy { $0.fromReplicas - $0.toReplicas == 1 })
            let firstDown = try #require(downs.last)
            #expect(firstDown.fromReplicas == 3 && firstDown.time.timeIntervalSince(stepDown) >= 3.9, "\(firstDown)")
            let lastDown = try #require(downs.first)
            #expect(lastDown.toReplicas == 1 && lastDown.time.timeIntervalSince(loadStopped) >= 3.9, "\(lastDown)")
            #expect(idle.state == .healthy)
            try await waitUntil(timeout: .seconds(30)) { try await scaled.service().readyReplicas == 1 }

            let shown = try await berth("service", "show", "-n", "slow-svc", home: scaled.home)
            #expect(shown.stdout.contains("autoscale"))
            #expect(shown.stdout.contains("1–3 replicas, target 50 %"))
            #expect(shown.stdout.contains("ScaleDown"))
            #expect(shown.stdout.contains("ScaleUp"))
        } catch {
            await scaled.stop()
            throw error
        }
        await scaled.stop()
    }

    @Test("A scale-up the cluster cannot hold stops at its capacity and says so, without failing requests")
    func capacityLimitsScaleUp() async throws {
        // 0.75 GB holds three replicas of 0.25 GB; the load wants ceil(4 / 0.7) = 6 of maxReplicas 8.
        let scaled = try await Scaled.start(memoryGB: "0.75", maxReplicas: 8, scaleDownDelay: 60)
        do {
            let load = ScoringLoad()
            async let driving: Void = load.run(clients: 4, uri: scaled.scoringURI, key: scaled.key)
            try await waitUntil(timeout: .seconds(60)) {
                let service = try await scaled.service()
                // While the load lasts, the service says what limits it.
                return service.autoscaler?.events.contains { $0.kind == .capacityLimited } == true
                    && service.readyReplicas == 3 && service.autoscaler?.limitedBy?.contains("only 3 fit") == true
            }
            try await Task.sleep(for: .seconds(1))
            load.stop()
            await driving
            let service = try await scaled.service()
            #expect(service.desiredReplicas == 3)
            #expect(service.state == .healthy)
            let limited = try #require(service.autoscaler?.events.first { $0.kind == .capacityLimited })
            #expect(limited.reason.contains("only 3 fit"), "\(limited.reason)")
            #expect(limited.reason.contains("0.25 GB"), "\(limited.reason)")
            #expect(load.failures.isEmpty, "\(load.failures)")
        } catch {
            await scaled.stop()
            throw error
        }
        await scaled.stop()
    }

    @Test("Load reported by a router running elsewhere scales the service; when its reports stop, it scales back down")
    func remoteRouterReportsDriveScaling() async throws {
        let scaled = try await Scaled.start(memoryGB: "8", maxReplicas: 3, scaleDownDelay: 3)
        do {
            let url = scaled.server.baseURL + "/api/v1/routers/load"
            let auth = [
                ("Authorization", "Bearer \(try scaled.server.adminToken())"), ("Content-Type", "application/json"),
            ]
            // A malformed report is refused, naming the field, and a wrong token is refused.
            let negative = try await TestHTTP.post(
                url, #"{"router": "r", "compute": "cluster", "services": {"slow-svc": {"inFlight": -1, "queued": 0}}}"#,
                headers: auth)
            #expect(negative.status == 400 && negative.text.contains("services.slow-svc"), "\(negative.text)")
            let unauthorized = try await TestHTTP.post(
                url, #"{"router": "r", "compute": "cluster", "services": {}}"#,
                headers: [("Authorization", "Bearer wrong"), ("Content-Type", "application/json")])
            #expect(unauthorized.status == 401)
            // A report speaks for the compute target it names: slow-svc does not run on 'elsewhere'.
            try await berth(
                "computetarget", "create", "local", "-n", "elsewhere", "--cluster-purpose", "DevTest", "--cores", "2",
                "--memory-gb", "1", home: scaled.home)
            let elsewhere = try await TestHTTP.post(
                url,
                #"{"router": "r", "compute": "elsewhere", "services": {"slow-svc": {"inFlight": 50, "queued": 0}}}"#,
                headers: auth)
            #expect(elsewhere.status == 403 && elsewhere.text.contains("services.slow-svc"), "\(elsewhere.text)")

            // No request reaches the in-process router: only the remote router's reports say there
            // is load (3 in flight or queued at 70 % of 1 per replica needs 5; maxReplicas bounds it to 3).
            let report =
                #"{"router": "router-in-cluster-0", "compute": "cluster", "services": {"slow-svc": {"inFlight": 2, "queued": 1}}}"#
            // The reports go out every 200 ms from their own loop, like a router's, whatever the
            // pace of the checks below on a busy machine.
            let stop = StopFlag()
            async let reporting: [Int] = {
                var statuses: [Int] = []
                while !stop.value.load(ordering: .relaxed) {
                    statuses.append((try? await TestHTTP.post(url, report, headers: auth).status) ?? 0)
                    try? await Task.sleep(for: .milliseconds(200))
                }
                return statuses
            }()
            try await waitUntil(timeout: .seconds(60)) { try await scaled.service().desiredReplicas == 3 }
            let routers = try await TestHTTP.get(url, headers: auth)
            stop.value.store(true, ordering: .relaxed)
            let statuses = await reporting
            let reportsStopped = Date()
            // Listed as compute/router (JSON may escape the '/', so read the list, not the text).
            let listed = (try routers.json() as? [String: Any])?["routers"] as? [String] ?? []
            #expect(listed.contains("cluster/router-in-cluster-0"), "\(routers.text)")
            #expect(!listed.contains { $0.hasPrefix("elsewhere/") }, "a refused report is not kept: \(routers.text)")
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 204 }, "\(statuses)")
            let up = try await scaled.service()
            let scaleUp = try #require(up.autoscaler?.events.first { $0.kind == .scaleUp })
            #expect(scaleUp.toReplicas == 3, "\(scaleUp)")

            // The reports stop: after they go stale (3 s) and the 3 s window, one step at a time to 1.
            try await waitUntil(timeout: .seconds(60)) { try await scaled.service().desiredReplicas == 1 }
            let idle = try await scaled.service()
            let downs = (idle.autoscaler?.events ?? []).filter { $0.kind == .scaleDown }
            let firstDown = try #require(downs.last)
            #expect(firstDown.time.timeIntervalSince(reportsStopped) >= 2.9, "\(firstDown)")
            #expect(downs.allSatisfy { $0.fromReplicas - $0.toReplicas == 1 }, "\(downs)")
            let gone = try await TestHTTP.get(url, headers: auth)
            #expect(!gone.text.contains("router-in-cluster-0"), "a stale router no longer counts: \(gone.text)")
        } catch {
            await scaled.stop()
            throw error
        }
        await scaled.stop()
    }
}
