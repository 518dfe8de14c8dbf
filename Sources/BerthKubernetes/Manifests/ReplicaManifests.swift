import BerthBackends
import BerthCore

/// Pure functions from a `ReplicaWorkload` to the objects of one deployment: its Deployment of
/// replica Pods, a ClusterIP Service, a Secret with what the Pods need, a NetworkPolicy that lets
/// only the router's Pods reach them, and the service account (without API access) they run as.
///
/// Each Pod: an init container fetches the model and source files from the control plane's
/// artifact API and checks their SHA-256; (when the registry has no image for the environment)
/// a second one builds the venv into a cache volume; then `berth replica` serves on port 5001,
/// with `/ready` as the readiness probe and `/` as the liveness probe (`livenessProbeRequirements`),
/// answering everything else only to requests carrying the replica secret (`ReplicaAuthentication`).
public enum ReplicaManifests {
    /// The port `berth replica` listens on inside the Pod (Azure's scoring containers use 5001).
    public static let replicaPort = 5001
    /// Where the files land inside the Pod.
    public static let modelDirectory = "/var/azureml-app/models"
    public static let sourceDirectory = "/var/azureml-app/source"
    public static let venvCacheDirectory = "/opt/berth/venvs"
    /// The service account replicas run as; it is bound to no role.
    public static let serviceAccountName = "berth-replica"

    /// Every object of the deployment in its namespace, in the order they are created or replaced.
    /// (The namespace itself is only created when missing: `namespace(_:)`.)
    public static func all(_ workload: ReplicaWorkload) -> [JSONValue] {
        let account = serviceAccount(namespace: workload.namespace, compute: workload.spec.computeName)
        let pullSecrets = pullSecret(workload).map { [$0] } ?? []
        return [account, secret(workload)] + pullSecrets
            + [service(workload), networkPolicy(workload), deployment(workload)]
    }

    /// The name of the deployment's image-pull Secret.
    public static func pullSecretName(service: String) -> String {
        ManifestLabels.objectName(service: service) + "-registry"
    }

    /// The registry credentials Pods pull environment images with (`imagePullSecrets`), when the
    /// registry needs any.
    public static func pullSecret(_ workload: ReplicaWorkload) -> JSONValue? {
        guard let config = workload.registryConfigJSON else { return nil }
        return [
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
            "metadata": metadata(workload, name: pullSecretName(service: workload.spec.name)),
            "stringData": [".dockerconfigjson": .string(config)],
        ]
    }

    /// The deployment's namespace, labelled as Berth's so that detach removes it — applied only
    /// when it does not exist: a namespace the user made keeps its own labels and survives detach.
    public static func namespace(_ workload: ReplicaWorkload) -> JSONValue {
        RouterManifests.namespace(workload.namespace, compute: workload.spec.computeName)
    }

    static func metadata(_ workload: ReplicaWorkload, name: String? = nil) -> JSONValue {
        [
            "name": .string(name ?? ManifestLabels.objectName(service: workload.spec.name)),
            "namespace": .string(workload.namespace),
            "labels": .object(
                ManifestLabels.replicaLabels(service: workload.spec.name, compute: workload.spec.computeName)),
        ]
    }

    /// The account replica Pods run as: no role is bound to it and its token is not mounted. One
    /// per namespace, shared by the services there; detach finds them by their labels.
    public static func serviceAccount(namespace: String, compute: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": [
                "name": .string(serviceAccountName), "namespace": .string(namespace),
                "labels": [
                    ManifestLabels.managedBy: "berth", ManifestLabels.component: "replica",
                    ManifestLabels.compute: .string(ManifestLabels.computeLabelValue(compute)),
                ],
            ],
            "automountServiceAccountToken": false,
        ]
    }

    /// The reference that makes the deployment's Deployment the owner of its Service, Secret and
    /// NetworkPolicy, so deleting the Deployment (by hand, or by a cascade) removes them with it.
    public static func ownerReference(deploymentUID uid: String, service: String) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(ManifestLabels.objectName(service: service)),
            "uid": .string(uid), "blockOwnerDeletion": false,
        ]
    }

    /// A merge patch setting `reference` as an object's only owner.
    public static func ownedBy(_ reference: JSONValue) -> JSONValue {
        ["metadata": ["ownerReferences": [reference]]]
    }

    /// The key of the Secret that holds the replica secret.
    public static let replicaSecretKey = "replica-secret"

    /// The key of the Secret that holds the deployment's Pod token (`ControlPlaneUpload`).
    public static let artifactTokenKey = "artifact-token"
    /// The key of the Secret that holds the control plane's CA, when Pods reach it over https.
    public static let controlPlaneCAKey = "control-plane-ca"

    /// What the Pods need that is secret: the token of the artifact API (for the init container,
    /// and for the replica's request telemetry), the replica secret (for `berth replica`, which
    /// refuses scoring requests without it) and, over https, the control plane's CA.
    public static func secret(_ workload: ReplicaWorkload) -> JSONValue {
        var data: [String: JSONValue] = [
            artifactTokenKey: .string(workload.artifactToken),
            replicaSecretKey: .string(workload.replicaSecret),
        ]
        if let ca = workload.controlPlaneCAPEM { data[controlPlaneCAKey] = .string(ca) }
        return [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": metadata(workload),
            "stringData": .object(data),
        ]
    }

    /// The ClusterIP Service in front of the replicas (the router reads its EndpointSlices).
    public static func service(_ workload: ReplicaWorkload) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Service",
            "metadata": metadata(workload),
            "spec": [
                "type": "ClusterIP",
                "selector": .object(ManifestLabels.replicaSelector(service: workload.spec.name)),
                "ports": [["name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"]],
            ],
        ]
    }

    /// The annotation that says where the Pods' environment comes from.
    public static let environmentAnnotation = "berth.dev/environment"

    static func templateAnnotations(_ workload: ReplicaWorkload) -> [String: JSONValue] {
        var annotations: [String: JSONValue] = [ManifestLabels.revision: .string(workload.spec.revision)]
        if let summary = workload.environmentSummary { annotations[environmentAnnotation] = .string(summary) }
        return annotations
    }

    /// The Deployment of replica Pods. A rolling update adds a new Pod before removing an old one,
    /// so an update never drops below the current number of ready replicas.
    public static func deployment(_ workload: ReplicaWorkload) -> JSONValue {
        let spec = workload.spec
        let selector = ManifestLabels.replicaSelector(service: spec.name)
        var podLabels = ManifestLabels.replicaLabels(service: spec.name, compute: spec.computeName)
        for (key, value) in selector { podLabels[key] = value }
        // Not in the selector (which cannot change): a new revision's Pods replace the old ones.
        podLabels[ManifestLabels.revision] = .string(ManifestLabels.revisionLabelValue(spec.revision))
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata(workload),
            "spec": [
                "replicas": ManifestLabels.number(spec.replicas),
                "selector": ["matchLabels": .object(selector)],
                "strategy": [
                    "type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0],
                ],
                "template": [
                    "metadata": [
                        "labels": .object(podLabels),
                        "annotations": .object(templateAnnotations(workload)),
                    ],
                    "spec": ReplicaPodSpec.podSpec(workload),
                ],
            ],
        ]
    }
}
