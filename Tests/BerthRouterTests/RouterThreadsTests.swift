import BerthAutoscaling
import BerthCore
import BerthTesting
import NIOCore
import Synchronization
import Testing

@testable import BerthRouter

/// The router's self-scaling mechanism with real listeners, event loops and requests.
struct RouterThreadsTests {
    // Both need two event loops; NIO runs one per core.
    @Test(.enabled(if: System.coreCount >= 2), .timeLimit(.minutes(2))) func idleRouterDropsAThreadAndKeepsServing()
        async throws
    {
        var configuration = Router.Configuration()
        // Any CPU use counts as low and no latency as high, so the decision does not depend on
        // what the other tests in this process do; 10 samples of 20 ms each.
        configuration.selfScalingLowCPU = 100
        configuration.selfScalingLatencyThreshold = .seconds(10)
        configuration.selfScalingSamplePeriod = .milliseconds(20)
        configuration.maxThreads = 2
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                try await eventually(timeout: .seconds(30)) { router.load().threads.active == 1 }
                let threads = router.load().threads
                #expect(threads.isSelfScaling && threads.max == 2)
                let decision = try #require(threads.decisions.last?.decision)
                #expect(decision.from == 2 && decision.to == 1 && decision.reason == .lowCPU)
                for _ in 0..<5 {
                    let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                    #expect(response.status == 200 && response.text == "ok")
                }
            }
        }
    }

    @Test(.enabled(if: System.coreCount >= 2), .timeLimit(.minutes(2))) func slowRoutingAddsAThread() async throws {
        var configuration = Router.Configuration()
        configuration.selfScalingLatencyThreshold = .nanoseconds(1)
        configuration.selfScalingLowCPU = 0
        configuration.selfScalingSamplePeriod = .milliseconds(20)
        configuration.maxThreads = 2
        configuration.initialThreads = 1
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                try await eventually(timeout: .seconds(30)) { router.load().threads.active == 2 }
                let decision = try #require(router.load().threads.decisions.last?.decision)
                #expect(decision.from == 1 && decision.to == 2 && decision.reason == .latencyAboveThreshold)
                for _ in 0..<5 {
                    let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                    #expect(response.status == 200)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func devTestRouterKeepsItsThreads() async throws {
        var configuration = Router.Configuration()
        configuration.clusterPurpose = .devTest
        configuration.selfScalingLowCPU = 100
        configuration.selfScalingSamplePeriod = .milliseconds(20)
        try await withRouter(configuration) { router, _ in
            try await Task.sleep(for: .milliseconds(600))
            let threads = router.load().threads
            #expect(!threads.isSelfScaling)
            #expect(threads.active == threads.max)
            #expect(threads.decisions.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2))) func followsTheClusterPurposeItIsGiven() async throws {
        var configuration = Router.Configuration()
        configuration.selfScalingLowCPU = 100  // Would drop a thread if it still scaled itself.
        configuration.selfScalingLatencyThreshold = .seconds(10)
        configuration.selfScalingSamplePeriod = .milliseconds(20)
        let purpose = Mutex(ClusterPurpose.devTest)
        try await withRouter(configuration) { router, _ in
            router.followClusterPurpose { purpose.withLock { $0 } }
            try await eventually { !router.load().threads.isSelfScaling }
            try await Task.sleep(for: .milliseconds(400))
            let fixed = router.load().threads
            #expect(fixed.decisions.isEmpty && fixed.active == fixed.max, "DevTest keeps its threads")
            purpose.withLock { $0 = .fastProd }
            try await eventually { router.load().threads.isSelfScaling }
        }
    }
}
