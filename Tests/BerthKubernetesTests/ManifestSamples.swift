import BerthBackends
import BerthCore
import BerthKubernetes
import Foundation

/// Workloads and installations the manifest tests generate from.
enum ManifestSamples {
    /// The sample workloads' replica secret.
    static let replicaSecret = "replica-secret-value"
    /// What the router adds to reach a replica of a sample workload directly.
    static let replicaSecretHeader = ("x-berth-replica-secret", replicaSecret)

    static func spec(replicas: Int = 3) -> DeploymentSpec {
        var liveness = DeploymentConfig.LivenessProbeRequirements()
        liveness.periodSeconds = 7
        liveness.initialDelaySeconds = 30
        liveness.timeoutSeconds = 3
        liveness.failureThreshold = 4
        var spec = DeploymentSpec(
            name: "diabetes", computeName: "aks1", capacity: ClusterCapacity(cores: 12, memoryInGB: 48),
            replicas: replicas, revision: "rev-0123456789abcdef", entryScript: "score.py",
            sourceDirectory: URL(fileURLWithPath: "/src"), modelDirectory: URL(fileURLWithPath: "/models"),
            python: "python3", cpu: 0.25, memoryInGB: 1.5, maxConcurrentRequests: 2, scoringTimeoutMs: 30000,
            liveness: liveness, environment: ["MY_SETTING": "on"])
        spec.memoryLimitInGB = 2
        return spec
    }

    static func workload(
        gpu: Int = 1,
        environment: ReplicaWorkload.EnvironmentSource = .buildAtStart(
            hash: "abc123", requirements: ["numpy>=1.26", "scikit-learn"])
    ) -> ReplicaWorkload {
        var spec = spec()
        spec.cpuLimit = 1
        spec.gpu = gpu
        return ReplicaWorkload(
            spec: spec, namespace: "ml", runtimeImage: "registry.example.com/berth/runtime:1",
            environmentSource: environment,
            modelFiles: [
                .init(path: "sklearn_regression_model.pkl", digest: "sha256:" + String(repeating: "a", count: 64))
            ],
            sourceFiles: [.init(path: "score.py", digest: "sha256:" + String(repeating: "b", count: 64))],
            controlPlaneURL: "http://berth.example.com:8890", artifactToken: "artifact-secret",
            replicaSecret: replicaSecret)
    }

    static func installation(purpose: ClusterPurpose = .fastProd, loadBalancer: LoadBalancerType = .publicIp)
        -> RouterInstallation
    {
        RouterInstallation(
            computeName: "aks1", workspaceID: "ws-1", purpose: purpose, loadBalancerType: loadBalancer,
            deploymentNamespace: "ml", image: "registry.example.com/berth/runtime:1",
            controlPlaneURL: "http://berth.example.com:8890", feedToken: "feed-secret")
    }

    /// A router serving TLS from a mounted Secret, following a feed whose CA it is given.
    static var withTLS: RouterInstallation {
        var installation = installation()
        installation.tls = RouterTLS(
            certificateChainPEM: "-----BEGIN CERTIFICATE-----\n", privateKeyPEM: "-----BEGIN PRIVATE KEY-----\n",
            cname: "ml.contoso.com")
        installation.controlPlaneCAPEM = "-----BEGIN CERTIFICATE-----\n"
        return installation
    }

    /// A workload whose environment image is pulled from a registry with credentials.
    static var pulledWithCredentials: ReplicaWorkload {
        var workload = workload(gpu: 0, environment: .prebuiltImage("r.example.com/berth/env:abc"))
        workload.registryConfigJSON = #"{"auths":{"r.example.com":{"auth":"dTpw","password":"p","username":"u"}}}"#
        return workload
    }

    /// The Secret as it is after the backend made the Deployment its owner.
    static var ownedSecret: JSONValue {
        guard case .object(var secret) = ReplicaManifests.secret(workload()),
            case .object(var metadata)? = secret["metadata"]
        else { return [:] }
        metadata["ownerReferences"] = [
            ReplicaManifests.ownerReference(deploymentUID: "0b6c3c1e-uid", service: "diabetes")
        ]
        secret["metadata"] = .object(metadata)
        return .object(secret)
    }

    /// Every manifest Berth generates, in every variant.
    static var everyManifest: [JSONValue] {
        [ReplicaManifests.namespace(workload()), ownedSecret] + ReplicaManifests.all(workload())
            + ReplicaManifests.all(pulledWithCredentials)
            + RouterManifests.all(installation())
            + RouterManifests.all(installation(purpose: .devTest, loadBalancer: .internalLoadBalancer))
            + RouterManifests.all(withTLS)
            + [
                RouterManifests.readerRole(namespace: "team-b", compute: "aks1"),
                RouterManifests.readerRoleBinding(namespace: "team-b", compute: "aks1"),
            ]
    }
}
