import ArgumentParser
import BerthBackends
import BerthCore
import BerthKubernetes
import BerthReplicaCommand
import Foundation
import Testing

/// The `berth replica` argv is written by `ReplicaLaunch.arguments` and read by `ReplicaOptions`:
/// what the local backend and a replica Pod render parses back to the same launch.
struct ReplicaLaunchTests {
    static let spec: DeploymentSpec = {
        var spec = DeploymentSpec(
            name: "diabetes", computeName: "local", capacity: ClusterCapacity(cores: 12, memoryInGB: 48),
            replicas: 1, revision: "rev-1", entryScript: "score.py",
            sourceDirectory: URL(fileURLWithPath: "/work/src"), modelDirectory: URL(fileURLWithPath: "/work/models"),
            python: "/venv/bin/python", cpu: 0.25, memoryInGB: 1.5, maxConcurrentRequests: 2, scoringTimeoutMs: 30000,
            liveness: DeploymentConfig.LivenessProbeRequirements(), environment: [:])
        spec.cpuLimit = 0.5
        return spec
    }()

    /// Parses `arguments` (after `berth`) as `berth replica` does.
    func parsed(_ arguments: [String]) throws -> ReplicaLaunch {
        #expect(arguments.first == ReplicaLaunch.subcommand)
        return try ReplicaOptions.parse(Array(arguments.dropFirst())).launch
    }

    @Test("A local replica's argv, on a socket or a port, parses back to its launch")
    func localRoundTrip() throws {
        for socket in ["/tmp/berth/r1.sock", nil] {
            let launch = ReplicaLaunch.local(Self.spec, socketPath: socket)
            #expect(try parsed(launch.arguments) == launch)
        }
        let onPort = ReplicaLaunch.local(Self.spec, socketPath: nil)
        #expect(
            onPort.arguments == [
                "replica", "--entry-script", "score.py", "--source-dir", "/work/src", "--model-dir", "/work/models",
                "--python", "/venv/bin/python", "--port", "0", "--max-concurrent", "2", "--scoring-timeout-ms",
                "30000", "--service-name", "diabetes", "--exit-with-parent", "--memory-limit-mb", "1536",
                "--cpu-limit", "0.5",
            ])
    }

    @Test("A replica Pod's command parses back to the launch it was rendered from")
    func podRoundTrip() throws {
        let workload = ReplicaWorkload(
            spec: Self.spec, namespace: "ml", runtimeImage: "registry.example.com/berth/runtime:1",
            environmentSource: .prebuiltImage("registry.example.com/berth/env:abc"), modelFiles: [], sourceFiles: [],
            controlPlaneURL: "http://berth.example.com:8890", artifactToken: "artifact-secret",
            replicaSecret: "replica-secret")
        let deployment = ReplicaManifests.deployment(workload)
        let container = deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
        let command = container?["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(command.first == "berth")
        let launch = ReplicaLaunch.pod(workload, python: "python3")
        #expect(Array(command.dropFirst()) == launch.arguments)
        #expect(try parsed(Array(command.dropFirst())) == launch)
        #expect(launch.listener == .tcp(host: "0.0.0.0", port: ReplicaManifests.replicaPort))
        #expect(launch.exitAfterWorkerFailures == 3)
    }

    @Test("Every setting away from its default survives the round trip")
    func everySetting() throws {
        let launch = ReplicaLaunch(
            entryScript: "app/score.py", sourceDirectory: "/src", modelDirectory: "/models", python: "python3.12",
            workerPythonPath: "/opt/berth/python", workers: 3, listener: .tcp(host: "::1", port: 8081),
            maxConcurrentRequests: 4, scoringTimeoutMs: 1500, maxBodyMB: 7, serviceName: "svc", memoryLimitMB: 512,
            cpuLimit: 1.25, exitAfterWorkerFailures: 2, exitWithParent: true, logLevel: "debug")
        #expect(try parsed(launch.arguments) == launch)
        let defaults = ReplicaLaunch(entryScript: "score.py", sourceDirectory: "/src", modelDirectory: "/models")
        #expect(try parsed(defaults.arguments) == defaults)
    }

    @Test("The launch is Codable: it survives JSON as it is")
    func codable() throws {
        let launch = ReplicaLaunch.local(Self.spec, socketPath: "/tmp/r.sock")
        let data = try BerthJSON.encode(launch)
        #expect(try BerthJSON.decode(ReplicaLaunch.self, from: data) == launch)
    }
}
