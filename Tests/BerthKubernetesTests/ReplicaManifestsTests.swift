import BerthBackends
import BerthCore
import BerthKubernetes
import Testing

struct ReplicaManifestsTests {
    let deployment = ReplicaManifests.deployment(ManifestSamples.workload())
    var pod: JSONValue { deployment["spec"]?["template"]?["spec"] ?? .null }
    var replica: JSONValue { pod["containers"]?.arrayValue?.first ?? .null }

    @Test("The Deployment carries name, namespace, labels, replicas and a surge-only rolling update")
    func deploymentShape() {
        #expect(deployment["metadata"]?["name"] == "berth-diabetes")
        #expect(deployment["metadata"]?["namespace"] == "ml")
        #expect(deployment["metadata"]?["labels"]?[ManifestLabels.service] == "diabetes")
        #expect(deployment["metadata"]?["labels"]?[ManifestLabels.managedBy] == "berth")
        #expect(deployment["spec"]?["replicas"] == 3)
        #expect(deployment["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"] == 0)
        #expect(
            deployment["spec"]?["template"]?["metadata"]?["annotations"]?[ManifestLabels.revision]
                == "rev-0123456789abcdef")
        let selector = deployment["spec"]?["selector"]?["matchLabels"]?.objectValue ?? [:]
        let podLabels = deployment["spec"]?["template"]?["metadata"]?["labels"]?.objectValue ?? [:]
        #expect(!selector.isEmpty)
        #expect(selector.allSatisfy { podLabels[$0.key] == $0.value })
    }

    @Test("Resources map cpu, memory, their limits and gpu → nvidia.com/gpu")
    func resources() {
        let resources = replica["resources"]
        #expect(resources?["requests"]?["cpu"] == "250m")
        #expect(resources?["requests"]?["memory"] == "1536Mi")
        #expect(resources?["limits"]?["memory"] == "2048Mi")
        #expect(resources?["limits"]?["cpu"] == "1000m")
        #expect(resources?["limits"]?["nvidia.com/gpu"] == "1")
        let noGPU = ReplicaManifests.deployment(ManifestSamples.workload(gpu: 0))
        #expect(
            noGPU["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["resources"]?["limits"]?[
                "nvidia.com/gpu"] == nil)
    }

    @Test("Liveness comes from livenessProbeRequirements; readiness is /ready")
    func probes() {
        #expect(replica["livenessProbe"]?["periodSeconds"] == 7)
        #expect(replica["livenessProbe"]?["initialDelaySeconds"] == 30)
        #expect(replica["livenessProbe"]?["timeoutSeconds"] == 3)
        #expect(replica["livenessProbe"]?["failureThreshold"] == 4)
        #expect(replica["livenessProbe"]?["httpGet"]?["path"] == "/")
        #expect(replica["readinessProbe"]?["httpGet"]?["path"] == "/ready")
        #expect(replica["readinessProbe"]?["httpGet"]?["port"] == "http")
    }

    @Test("The replica runs berth replica with the deployment's settings")
    func command() {
        let command = replica["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(command.prefix(2) == ["berth", "replica"])
        for (flag, value) in [
            ("--entry-script", "score.py"), ("--max-concurrent", "2"), ("--scoring-timeout-ms", "30000"),
            ("--port", "5001"), ("--host", "0.0.0.0"), ("--python", "/opt/berth/venvs/abc123/bin/python"),
        ] {
            let index = command.firstIndex(of: flag)
            #expect(index.map { command[$0 + 1] } == value, "\(flag)")
        }
        let env = replica["env"]?.arrayValue ?? []
        #expect(env.contains(["name": "AZUREML_MODEL_DIR", "value": "/var/azureml-app/models"]))
        #expect(env.contains(["name": "MY_SETTING", "value": "on"]))
    }

    @Test("Pods are hardened: non-root, read-only root, no escalation, no capabilities, no API token")
    func hardening() {
        #expect(pod["automountServiceAccountToken"] == false)
        #expect(pod["serviceAccountName"] == "berth-replica")
        #expect(pod["securityContext"]?["runAsNonRoot"] == true)
        let containers = (pod["initContainers"]?.arrayValue ?? []) + (pod["containers"]?.arrayValue ?? [])
        #expect(containers.count == 3)
        for container in containers {
            let context = container["securityContext"]
            #expect(context?["readOnlyRootFilesystem"] == true)
            #expect(context?["allowPrivilegeEscalation"] == false)
            #expect(context?["capabilities"]?["drop"] == ["ALL"])
            let mounts = container["volumeMounts"]?.arrayValue?.compactMap { $0["mountPath"]?.stringValue } ?? []
            #expect(mounts.contains("/tmp"), "every container gets a writable /tmp")
        }
        let volumes = pod["volumes"]?.arrayValue ?? []
        #expect(volumes.allSatisfy { $0["emptyDir"] != nil })
        let account = ReplicaManifests.serviceAccount(namespace: "ml", compute: "aks1")
        #expect(account["automountServiceAccountToken"] == false)
    }

    @Test("The init container fetches every file and checks its SHA-256; the token comes from the Secret")
    func fetchesArtifacts() throws {
        let fetch = try #require(pod["initContainers"]?.arrayValue?.first)
        let script = fetch["command"]?.arrayValue?.last?.stringValue ?? ""
        #expect(script.contains("sha256sum -c"))
        #expect(
            script.contains(
                "fetch '\(String(repeating: "a", count: 64))' '/var/azureml-app/models/sklearn_regression_model.pkl'"))
        #expect(script.contains("fetch '\(String(repeating: "b", count: 64))' '/var/azureml-app/source/score.py'"))
        #expect(!script.contains("artifact-secret"))
        let env = fetch["env"]?.arrayValue ?? []
        #expect(env.contains { $0["valueFrom"]?["secretKeyRef"]?["key"] == "artifact-token" })
        let secret = ReplicaManifests.secret(ManifestSamples.workload())
        #expect(secret["stringData"]?["artifact-token"] == "artifact-secret")
    }

    @Test("The replica secret is in the deployment's Secret and reaches berth replica as an environment variable")
    func replicaSecret() throws {
        let secret = ReplicaManifests.secret(ManifestSamples.workload())
        #expect(secret["stringData"]?["replica-secret"] == "replica-secret-value")
        let env = replica["env"]?.arrayValue ?? []
        let variable = try #require(env.first { $0["name"] == "BERTH_REPLICA_SECRET" })
        #expect(variable["value"] == nil)
        #expect(variable["valueFrom"]?["secretKeyRef"]?["name"] == "berth-diabetes")
        #expect(variable["valueFrom"]?["secretKeyRef"]?["key"] == "replica-secret")
        let command = replica["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(!command.contains("replica-secret-value"), "never on the command line")
        // Only the replica container gets it: init containers run no Berth code that checks it.
        for container in pod["initContainers"]?.arrayValue ?? [] {
            #expect(!(container["env"]?.arrayValue ?? []).contains { $0["name"] == "BERTH_REPLICA_SECRET" })
        }
    }

    @Test("A deployment config's environment cannot set or clear the replica secret")
    func environmentCannotOverrideTheSecret() {
        var workload = ManifestSamples.workload()
        workload.spec.environment["BERTH_REPLICA_SECRET"] = ""
        let container = ReplicaManifests.deployment(workload)["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?
            .first
        let named = (container?["env"]?.arrayValue ?? []).filter { $0["name"] == "BERTH_REPLICA_SECRET" }
        #expect(named.count == 1)
        #expect(named.first?["valueFrom"]?["secretKeyRef"]?["key"] == "replica-secret")
    }

    @Test(
        "With request telemetry on, the replica gets where to send it: URL, Pod token and CA, the last two from the Secret"
    )
    func telemetryUpload() throws {
        func replicaEnv(_ workload: ReplicaWorkload) -> [JSONValue] {
            let container = ReplicaManifests.deployment(workload)["spec"]?["template"]?["spec"]?["containers"]?
                .arrayValue?.first
            return container?["env"]?.arrayValue ?? []
        }
        let off = replicaEnv(ManifestSamples.workload())
        #expect(!off.contains { $0["name"] == "BERTH_ARTIFACT_TOKEN" }, "no token where nothing is sent")

        var workload = ManifestSamples.workload()
        workload.spec.environment[RequestTelemetryContext.environmentVariable] = #"{"service":"diabetes","models":[]}"#
        // The deployment config cannot redirect the lines or swap the token.
        workload.spec.environment["BERTH_CONTROL_PLANE_URL"] = "http://elsewhere.example.com"
        workload.spec.environment["BERTH_ARTIFACT_TOKEN"] = "forged"
        workload.controlPlaneCAPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let on = replicaEnv(workload)
        #expect(
            on.filter { $0["name"] == "BERTH_CONTROL_PLANE_URL" }.map { $0["value"] } == [
                "http://berth.example.com:8890"
            ])
        let token = on.filter { $0["name"] == "BERTH_ARTIFACT_TOKEN" }
        #expect(token.count == 1)
        #expect(token.first?["valueFrom"]?["secretKeyRef"]?["key"] == "artifact-token")
        let ca = try #require(on.first { $0["name"] == "BERTH_CONTROL_PLANE_CA" })
        #expect(ca["valueFrom"]?["secretKeyRef"]?["key"] == "control-plane-ca")
        #expect(
            ReplicaManifests.secret(workload)["stringData"]?["control-plane-ca"]
                == .string(workload.controlPlaneCAPEM ?? ""))
        #expect(ReplicaManifests.secret(ManifestSamples.workload())["stringData"]?["control-plane-ca"] == nil)
    }

    @Test("A prebuilt environment image runs as is, without the build step")
    func prebuiltImage() {
        let deployment = ReplicaManifests.deployment(ManifestSamples.workload(environment: .prebuiltImage("r/env:abc")))
        let pod = deployment["spec"]?["template"]?["spec"]
        #expect(pod?["initContainers"]?.arrayValue?.count == 1)
        #expect(pod?["containers"]?.arrayValue?.first?["image"] == "r/env:abc")
    }

    @Test("The Service is a ClusterIP on the replicas' http port")
    func service() {
        let service = ReplicaManifests.service(ManifestSamples.workload())
        #expect(service["spec"]?["type"] == "ClusterIP")
        #expect(service["spec"]?["ports"]?.arrayValue?.first?["targetPort"] == "http")
        #expect(service["spec"]?["selector"] == deployment["spec"]?["selector"]?["matchLabels"])
    }
}
