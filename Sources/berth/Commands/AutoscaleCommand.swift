import ArgumentParser
import BerthAutoscaling
import Foundation

/// `berth autoscale plan`: the seed's sizing rule, to choose `maxReplicas` before deploying.
struct AutoscaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoscale",
        abstract: "Size a service's autoscaling.",
        subcommands: [Plan.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the replicas a load needs: ceil(rps × request seconds ÷ target utilization ÷ max concurrent).",
            discussion: """
                Use the answer (with some headroom) as autoScaler.maxReplicas in deploymentconfig.json. Example: \
                'berth autoscale plan --rps 100 --request-ms 200' → 29 replicas.
                """)

        @Option(name: .customLong("rps"), help: "Requests per second to serve at peak.")
        var requestsPerSecond: Double
        @Option(name: .customLong("request-ms"), help: "How long one request takes in the model, in milliseconds.")
        var requestMilliseconds: Double
        @Option(name: .customLong("max-concurrent"), help: "maxConcurrentRequestsPerContainer (default 1).")
        var maxConcurrent: Int = 1
        @Option(name: .customLong("target"), help: "autoScaler.targetUtilization in percent (default 70).")
        var target: Int = 70
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard requestsPerSecond > 0, requestsPerSecond.isFinite else {
                throw ValidationError("--rps must be a positive number of requests per second.")
            }
            guard requestMilliseconds > 0, requestMilliseconds.isFinite else {
                throw ValidationError("--request-ms must be a positive number of milliseconds.")
            }
            guard maxConcurrent >= 1 else { throw ValidationError("--max-concurrent must be 1 or more.") }
            guard (1...100).contains(target) else {
                throw ValidationError("--target must be between 1 and 100 (percent).")
            }
        }

        func run() async throws {
            let plan = SizingPlan(
                requestsPerSecond: requestsPerSecond, requestSeconds: requestMilliseconds / 1000,
                targetUtilization: Double(target) / 100, maxConcurrentRequestsPerContainer: maxConcurrent)
            if global.output.isStructured {
                return try Output.structured(
                    global.output,
                    PlanOutput(
                        replicas: plan.replicas, concurrentRequests: plan.concurrentRequests,
                        requestsPerSecond: requestsPerSecond, requestMs: requestMilliseconds,
                        maxConcurrentRequestsPerContainer: maxConcurrent, targetUtilization: target))
            }
            print(
                "\(Output.number(requestsPerSecond)) requests/s × \(Output.number(requestMilliseconds)) ms = "
                    + "\(Output.number((plan.concurrentRequests * 100).rounded() / 100)) requests in flight; at "
                    + "\(target) % of \(maxConcurrent) per replica that is \(plan.replicas) replica(s).")
            print(
                "Set \"autoScaler\": {\"maxReplicas\": \(plan.replicas)} (or more, for headroom) in deploymentconfig.json."
            )
        }
    }

    struct PlanOutput: Encodable {
        var replicas: Int
        var concurrentRequests: Double
        var requestsPerSecond: Double
        var requestMs: Double
        var maxConcurrentRequestsPerContainer: Int
        var targetUtilization: Int
    }
}
