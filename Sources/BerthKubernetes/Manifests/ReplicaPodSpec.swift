import BerthBackends
import BerthCore

/// The Pod template of a replica Deployment (see `ReplicaManifests`).
enum ReplicaPodSpec {
    static func podSpec(_ workload: ReplicaWorkload) -> JSONValue {
        var initContainers: [JSONValue] = [fetchContainer(workload)]
        var volumes: [JSONValue] = [
            PodHardening.emptyDir("models"), PodHardening.emptyDir("source"),
            PodHardening.emptyDir("tmp", sizeLimit: "1Gi"),
        ]
        var python = "python3"
        var image = workload.runtimeImage
        switch workload.environmentSource {
        case .prebuiltImage(let tagged):
            image = tagged
        case .buildAtStart(let hash, let requirements, let pythonVersion):
            volumes.append(venvCacheVolume(workload))
            initContainers.append(
                buildContainer(workload, hash: hash, requirements: requirements, pythonVersion: pythonVersion))
            python = "\(ReplicaManifests.venvCacheDirectory)/\(hash)/bin/python"
        }
        var spec: JSONValue = [
            "serviceAccountName": .string(ReplicaManifests.serviceAccountName),
            "automountServiceAccountToken": false,
            "securityContext": PodHardening.podSecurityContext,
            "terminationGracePeriodSeconds": .number(
                Double(PodLifecycle.terminationGracePeriodSeconds(scoringTimeoutMs: workload.spec.scoringTimeoutMs))),
            "initContainers": .array(initContainers),
            "containers": [
                PodLifecycle.replicaContainer(
                    replicaContainer(workload, image: image, python: python),
                    supportsSleepAction: workload.supportsSleepAction)
            ],
            "volumes": .array(volumes),
        ]
        if workload.registryConfigJSON != nil, case .object(var members) = spec {
            members["imagePullSecrets"] = [
                ["name": .string(ReplicaManifests.pullSecretName(service: workload.spec.name))]
            ]
            spec = .object(members)
        }
        return spec
    }

    static func replicaContainer(_ workload: ReplicaWorkload, image: String, python: String) -> JSONValue {
        let spec = workload.spec
        let liveness = spec.liveness
        var env: [JSONValue] = [
            ["name": "AZUREML_MODEL_DIR", "value": .string(ReplicaManifests.modelDirectory)],
            ["name": "HOME", "value": "/tmp"],
            ["name": "BERTH_REPLICA_ID", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
            [
                "name": .string(ReplicaAuthentication.environmentVariable),
                "valueFrom": [
                    "secretKeyRef": [
                        "name": .string(ManifestLabels.objectName(service: spec.name)),
                        "key": .string(ReplicaManifests.replicaSecretKey),
                    ]
                ],
            ],
        ]
        // The deployment config cannot set the replica secret (or drop the check), nor where the
        // telemetry goes, through `environment`.
        let reserved: Set<String> = [
            "AZUREML_MODEL_DIR", ReplicaAuthentication.environmentVariable, ControlPlaneUpload.urlVariable,
            ControlPlaneUpload.tokenVariable, ControlPlaneUpload.trustedCAVariable,
        ]
        for key in spec.environment.keys.sorted() where !reserved.contains(key) {
            env.append(["name": .string(key), "value": .string(spec.environment[key] ?? "")])
        }
        env += controlPlaneUploadEnvironment(workload)
        // Trace export follows the control plane's; the deployment's own `environment` wins.
        for key in workload.traceEnvironment.keys.sorted() where spec.environment[key] == nil {
            env.append(["name": .string(key), "value": .string(workload.traceEnvironment[key] ?? "")])
        }
        var requests: [String: JSONValue] = [
            "cpu": ManifestLabels.cpuQuantity(spec.cpu), "memory": ManifestLabels.memoryQuantity(spec.memoryInGB),
        ]
        var limits: [String: JSONValue] = [
            "memory": ManifestLabels.memoryQuantity(spec.memoryLimitInGB ?? spec.memoryInGB)
        ]
        if let cpuLimit = spec.cpuLimit, cpuLimit > 0 { limits["cpu"] = ManifestLabels.cpuQuantity(cpuLimit) }
        if spec.gpu > 0 {
            // Extended resources must be in limits; requests, when given, must equal them.
            limits["nvidia.com/gpu"] = .string(String(spec.gpu))
            requests["nvidia.com/gpu"] = .string(String(spec.gpu))
        }
        return [
            "name": "replica",
            "image": .string(image),
            "imagePullPolicy": "IfNotPresent",
            "command": .array(
                (["berth"] + ReplicaLaunch.pod(workload, python: python).arguments).map(JSONValue.string)),
            "workingDir": .string(ReplicaManifests.sourceDirectory),
            "ports": [
                [
                    "name": "http", "containerPort": ManifestLabels.number(ReplicaManifests.replicaPort),
                    "protocol": "TCP",
                ]
            ],
            "env": .array(env),
            "resources": ["requests": .object(requests), "limits": .object(limits)],
            "readinessProbe": [
                "httpGet": ["path": "/ready", "port": "http"],
                "periodSeconds": 2, "timeoutSeconds": .number(Double(liveness.timeoutSeconds)),
                "failureThreshold": 1, "successThreshold": 1,
            ],
            "livenessProbe": [
                "httpGet": ["path": "/", "port": "http"],
                "periodSeconds": ManifestLabels.number(liveness.periodSeconds),
                "initialDelaySeconds": ManifestLabels.number(liveness.initialDelaySeconds),
                "timeoutSeconds": ManifestLabels.number(liveness.timeoutSeconds),
                "failureThreshold": ManifestLabels.number(liveness.failureThreshold),
                // Kubernetes requires 1 for liveness probes; Azure's successThreshold applies to readiness.
                "successThreshold": 1,
            ],
            "securityContext": PodHardening.containerSecurityContext,
            "volumeMounts": .array(
                [
                    PodHardening.mount("models", at: ReplicaManifests.modelDirectory, readOnly: true),
                    PodHardening.mount("source", at: ReplicaManifests.sourceDirectory, readOnly: true),
                    PodHardening.mount("tmp", at: "/tmp"),
                ] + venvMount(workload)),
        ]
    }

    /// With request telemetry or model data collection on, where the replica sends them
    /// (`ControlPlaneUpload`): the control plane's URL, the deployment's Pod token and, over
    /// https, the CA, the last two from the deployment's Secret. Without either the replica
    /// container gets no token.
    static func controlPlaneUploadEnvironment(_ workload: ReplicaWorkload) -> [JSONValue] {
        let environment = workload.spec.environment
        guard
            environment[RequestTelemetryContext.environmentVariable] != nil
                || environment["AML_MODEL_DC_STORAGE_ENABLED"] == "true"
        else { return [] }
        func fromSecret(_ name: String, key: String) -> JSONValue {
            [
                "name": .string(name),
                "valueFrom": [
                    "secretKeyRef": [
                        "name": .string(ManifestLabels.objectName(service: workload.spec.name)), "key": .string(key),
                    ]
                ],
            ]
        }
        var env: [JSONValue] = [
            ["name": .string(ControlPlaneUpload.urlVariable), "value": .string(workload.controlPlaneURL)],
            fromSecret(ControlPlaneUpload.tokenVariable, key: ReplicaManifests.artifactTokenKey),
        ]
        if workload.controlPlaneCAPEM != nil {
            env.append(fromSecret(ControlPlaneUpload.trustedCAVariable, key: ReplicaManifests.controlPlaneCAKey))
        }
        return env
    }

    static func venvMount(_ workload: ReplicaWorkload) -> [JSONValue] {
        guard case .buildAtStart = workload.environmentSource else { return [] }
        return [PodHardening.mount("venv-cache", at: ReplicaManifests.venvCacheDirectory, readOnly: true)]
    }

    static func fetchContainer(_ workload: ReplicaWorkload) -> JSONValue {
        let files = workload.fetchedFiles
        return [
            "name": "fetch-artifacts",
            "image": .string(workload.runtimeImage),
            "imagePullPolicy": "IfNotPresent",
            "command": [
                "sh", "-c",
                .string(
                    workload.fileListDigest.map(FetchScript.script(listDigest:))
                        ?? FetchScript.inlineScript(files: files)),
            ],
            "env": [
                ["name": "BERTH_CONTROL_PLANE_URL", "value": .string(workload.controlPlaneURL)],
                [
                    "name": "BERTH_ARTIFACT_TOKEN",
                    "valueFrom": [
                        "secretKeyRef": [
                            "name": .string(ManifestLabels.objectName(service: workload.spec.name)),
                            "key": .string(ReplicaManifests.artifactTokenKey),
                        ]
                    ],
                ],
            ],
            "resources": [
                "requests": ["cpu": "100m", "memory": "64Mi"], "limits": ["memory": "256Mi"],
            ],
            "securityContext": PodHardening.containerSecurityContext,
            "volumeMounts": [
                PodHardening.mount("models", at: ReplicaManifests.modelDirectory),
                PodHardening.mount("source", at: ReplicaManifests.sourceDirectory),
                PodHardening.mount("tmp", at: "/tmp"),
            ],
        ]
    }

    /// The volume the venvs are built into: the configured PersistentVolumeClaim, shared by every
    /// Pod that mounts it (so an environment is built once and reused by later Pods and
    /// redeploys), else an `emptyDir`.
    // UNFINISHED: the `emptyDir` default lives as long as its Pod, so each new Pod builds the venv
    // again; a node-wide default (a hostPath, which Pod Security "baseline" forbids and whose
    // folder needs an owner the Pod's user can write as, or a ReadWriteMany claim Berth creates)
    // is the next step. Today a cache shared across Pods needs BERTH_KUBERNETES_ENV_CACHE_CLAIM.
    static func venvCacheVolume(_ workload: ReplicaWorkload) -> JSONValue {
        guard let claim = workload.environmentCacheClaim else { return PodHardening.emptyDir("venv-cache") }
        return ["name": "venv-cache", "persistentVolumeClaim": ["claimName": .string(claim)]]
    }

    /// The init container that builds the venv `venvCacheDirectory/<hash>` unless a complete one is
    /// there: built under a temporary name, the marker `berth-complete` written last, then renamed
    /// into place, so a half-built venv (a Pod killed mid-build) is never used and is rebuilt.
    static func buildContainer(
        _ workload: ReplicaWorkload, hash: String, requirements: [String], pythonVersion: String?
    ) -> JSONValue {
        let script = EnvironmentBuildScript.script(hash: hash, requirements: requirements, pythonVersion: pythonVersion)
        return [
            "name": "build-environment",
            "image": .string(workload.runtimeImage),
            "imagePullPolicy": "IfNotPresent",
            "command": ["sh", "-c", .string(script)],
            "env": [
                ["name": "HOME", "value": "/tmp"],
                ["name": "BERTH_POD_NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
                ["name": "PIP_DISABLE_PIP_VERSION_CHECK", "value": "1"],
                ["name": "PIP_NO_INPUT", "value": "1"],
                ["name": "PYTHONNOUSERSITE", "value": "1"],
            ],
            "resources": ["requests": ["cpu": "250m", "memory": "256Mi"], "limits": ["memory": "2Gi"]],
            "securityContext": PodHardening.containerSecurityContext,
            "volumeMounts": [
                PodHardening.mount("venv-cache", at: ReplicaManifests.venvCacheDirectory),
                PodHardening.mount("tmp", at: "/tmp"),
            ],
        ]
    }
}

extension ReplicaLaunch {
    /// How a replica Pod's container starts `berth replica`: on all addresses of the Pod at
    /// `ReplicaManifests.replicaPort`, from the folders the init container fills, exiting after
    /// `PodLifecycle.exitAfterWorkerFailures` failures in a row so the kubelet sees a crash loop.
    /// Its limits are the container's `resources`, which the kubelet enforces.
    ///
    /// - Parameter python: the image's `python3`, or the venv built at start.
    package static func pod(_ workload: ReplicaWorkload, python: String) -> ReplicaLaunch {
        ReplicaLaunch(
            entryScript: workload.spec.entryScript, sourceDirectory: ReplicaManifests.sourceDirectory,
            modelDirectory: ReplicaManifests.modelDirectory, python: python,
            listener: .tcp(host: "0.0.0.0", port: ReplicaManifests.replicaPort),
            maxConcurrentRequests: workload.spec.maxConcurrentRequests,
            scoringTimeoutMs: workload.spec.scoringTimeoutMs,
            serviceName: workload.spec.name, exitAfterWorkerFailures: PodLifecycle.exitAfterWorkerFailures)
    }
}
