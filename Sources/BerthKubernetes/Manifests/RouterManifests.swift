import BerthCore

/// Pure functions from a `RouterInstallation` to the objects attach creates (see there).
public enum RouterManifests {
    /// Every object, in the order attach creates them (namespaces first, the marker last).
    public static func all(_ installation: RouterInstallation) -> [JSONValue] {
        var objects: [JSONValue] = [namespace(ManifestLabels.systemNamespace, compute: installation.computeName)]
        if installation.deploymentNamespace != ManifestLabels.systemNamespace {
            objects.append(namespace(installation.deploymentNamespace, compute: installation.computeName))
        }
        // The marker goes last: it says the attachment is complete.
        return objects + [
            serviceAccount(installation), role(installation), roleBinding(installation), feedSecret(installation),
        ] + [tlsSecret(installation)].compactMap { $0 } + [deployment(installation), service(installation)]
            + [horizontalPodAutoscaler(installation)].compactMap { $0 } + [marker(installation)]
    }

    static func readerMetadata(namespace: String, compute: String) -> JSONValue {
        [
            "name": .string(RouterInstallation.routerName), "namespace": .string(namespace),
            "labels": .object(ManifestLabels.routerLabels(compute: compute)),
        ]
    }

    static func metadata(
        _ installation: RouterInstallation, name: String = RouterInstallation.routerName,
        namespace: String = ManifestLabels.systemNamespace
    ) -> JSONValue {
        [
            "name": .string(name), "namespace": .string(namespace),
            "labels": .object(ManifestLabels.routerLabels(compute: installation.computeName)),
        ]
    }

    /// A namespace Berth uses. Namespaces are not deleted at detach unless Berth made them
    /// (`app.kubernetes.io/managed-by: berth`), since the user's own objects may live there.
    public static func namespace(_ name: String, compute: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": .string(name),
                "labels": [
                    ManifestLabels.managedBy: "berth",
                    ManifestLabels.compute: .string(ManifestLabels.computeLabelValue(compute)),
                ],
            ],
        ]
    }

    public static func serviceAccount(_ installation: RouterInstallation) -> JSONValue {
        ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata(installation)]
    }

    /// Read-only access to EndpointSlices and Pods in the deployment namespace, nothing else.
    public static func role(_ installation: RouterInstallation) -> JSONValue {
        readerRole(namespace: installation.deploymentNamespace, compute: installation.computeName)
    }

    public static func roleBinding(_ installation: RouterInstallation) -> JSONValue {
        readerRoleBinding(namespace: installation.deploymentNamespace, compute: installation.computeName)
    }

    /// The router's Role in `namespace`: get/list/watch EndpointSlices and Pods, nothing else.
    /// Attach makes it in the attachment's namespace; a deploy to another namespace makes it
    /// there too (and the last deployment's removal deletes it), so the router may watch there.
    public static func readerRole(namespace: String, compute: String) -> JSONValue {
        [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": readerMetadata(namespace: namespace, compute: compute),
            "rules": [
                [
                    "apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"],
                    "verbs": ["get", "list", "watch"],
                ],
                ["apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]],
            ],
        ]
    }

    /// Binds `readerRole` in `namespace` to the router's ServiceAccount in `berth-system`.
    public static func readerRoleBinding(namespace: String, compute: String) -> JSONValue {
        [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": readerMetadata(namespace: namespace, compute: compute),
            "roleRef": [
                "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(RouterInstallation.routerName),
            ],
            "subjects": [
                [
                    "kind": "ServiceAccount", "name": .string(RouterInstallation.routerName),
                    "namespace": .string(ManifestLabels.systemNamespace),
                ]
            ],
        ]
    }

    /// The control plane's URL and the feed token (and the CA its certificate comes from, when the
    /// Pods must be told), for the router Pods.
    public static func feedSecret(_ installation: RouterInstallation) -> JSONValue {
        var data: [String: JSONValue] = [
            "control-plane-url": .string(installation.controlPlaneURL),
            "feed-token": .string(installation.feedToken),
        ]
        if let ca = installation.controlPlaneCAPEM { data["control-plane-ca"] = .string(ca) }
        return [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": metadata(installation),
            "stringData": .object(data),
        ]
    }

    /// The router's certificate as a `kubernetes.io/tls` Secret; nil without TLS.
    public static func tlsSecret(_ installation: RouterInstallation) -> JSONValue? {
        guard let tls = installation.tls else { return nil }
        return [
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": metadata(installation, name: RouterInstallation.tlsSecretName),
            "stringData": ["tls.crt": .string(tls.certificateChainPEM), "tls.key": .string(tls.privateKeyPEM)],
        ]
    }

    /// The router's port name: `https` when it serves TLS, else `http`.
    static func portName(_ installation: RouterInstallation) -> JSONValue {
        installation.tls == nil ? "http" : "https"
    }

    /// The router Deployment. FastProd spreads its Pods over nodes; DevTest runs one.
    public static func deployment(_ installation: RouterInstallation) -> JSONValue {
        let selector = ManifestLabels.routerSelector(compute: installation.computeName)
        var labels = ManifestLabels.routerLabels(compute: installation.computeName)
        for (key, value) in selector { labels[key] = value }
        var podSpec: [String: JSONValue] = [
            "serviceAccountName": .string(RouterInstallation.routerName),
            // The router watches EndpointSlices, so unlike replicas it mounts its token.
            "automountServiceAccountToken": true,
            "securityContext": PodHardening.podSecurityContext,
            "containers": [routerContainer(installation)],
            "volumes": .array(volumes(installation)),
        ]
        if installation.purpose == .fastProd {
            podSpec["topologySpreadConstraints"] = [
                [
                    "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": ["matchLabels": .object(selector)],
                ]
            ]
        }
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata(installation),
            "spec": [
                "replicas": ManifestLabels.number(installation.routerReplicas),
                "selector": ["matchLabels": .object(selector)],
                "template": ["metadata": ["labels": .object(labels)], "spec": .object(podSpec)],
            ],
        ]
    }

    static func routerContainer(_ installation: RouterInstallation) -> JSONValue {
        func secretEnv(_ name: String, key: String) -> JSONValue {
            [
                "name": .string(name),
                "valueFrom": ["secretKeyRef": ["name": .string(RouterInstallation.routerName), "key": .string(key)]],
            ]
        }
        return [
            "name": "router",
            "image": .string(installation.image),
            "imagePullPolicy": "IfNotPresent",
            // `berth-router --feed` (the router alone, `berth router`'s twin without the store or
            // the control plane) follows the control plane's route feed for this cluster and
            // reads replica addresses from the EndpointSlices of the deployment namespace through
            // the Pod's service account. Kubernetes expands `$(BERTH_CONTROL_PLANE_URL)` from `env`.
            // Self-scaling (event-loop threads) follows the purpose: FastProd only.
            "command": .array(
                [
                    "berth-router", "--host", "0.0.0.0", "--port", .string(String(RouterInstallation.routerPort)),
                    "--feed", "$(BERTH_CONTROL_PLANE_URL)", "--compute", .string(installation.computeName),
                    "--namespace", .string(installation.deploymentNamespace),
                    "--cluster-purpose", .string(installation.purpose.rawValue),
                ] + tlsArguments(installation) + feedCAArguments(installation)),
            "env": .array(
                [
                    secretEnv("BERTH_CONTROL_PLANE_URL", key: "control-plane-url"),
                    secretEnv("BERTH_FEED_TOKEN", key: "feed-token"),
                    // The router's id in the load reports it sends the control plane's autoscaler.
                    ["name": "POD_NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
                ]
                    // Trace export follows the control plane's (`TraceExportEnvironment`).
                    + installation.traceEnvironment.keys.sorted().map { key in
                        ["name": .string(key), "value": .string(installation.traceEnvironment[key] ?? "")]
                    }),
            "ports": [
                [
                    "name": portName(installation),
                    "containerPort": ManifestLabels.number(RouterInstallation.routerPort), "protocol": "TCP",
                ]
            ],
            "resources": ["requests": ["cpu": "250m", "memory": "256Mi"], "limits": ["memory": "1Gi"]],
            // `GET /` is the router's own health (200 while it serves); `GET /ready` answers 200
            // only once its first route table arrived, so a new Pod gets no traffic before.
            // UNFINISHED: the API double does not run router Pods, so this command and these probes
            // are validated, not run, in tests (ClusterRouterEndToEndTests runs `berth-router
            // --feed` as a local process and checks `/ready` there).
            "readinessProbe": ["httpGet": probe("/ready", installation), "periodSeconds": 2],
            "livenessProbe": ["httpGet": probe("/", installation), "periodSeconds": 10],
            "securityContext": PodHardening.containerSecurityContext,
            "volumeMounts": .array(volumeMounts(installation)),
        ]
    }

    /// The router's Service: a load balancer, public or internal (Azure's annotation; other
    /// clouds have their own, see docs/kubernetes.md).
    public static func service(_ installation: RouterInstallation) -> JSONValue {
        var serviceMetadata = Self.metadata(installation).objectValue ?? [:]
        if installation.loadBalancerType == .internalLoadBalancer {
            serviceMetadata["annotations"] = ["service.beta.kubernetes.io/azure-load-balancer-internal": "true"]
        }
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": .object(serviceMetadata),
            "spec": [
                "type": "LoadBalancer",
                "selector": .object(ManifestLabels.routerSelector(compute: installation.computeName)),
                "ports": [
                    [
                        "name": portName(installation), "port": installation.tls == nil ? 80 : 443,
                        "targetPort": portName(installation), "protocol": "TCP",
                    ]
                ],
            ],
        ]
    }

    /// The attachment marker: which workspace attached this cluster, under which name.
    public static func marker(_ installation: RouterInstallation) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": metadata(installation, name: RouterInstallation.markerName),
            "data": [
                "workspaceID": .string(installation.workspaceID), "computeName": .string(installation.computeName),
                "clusterPurpose": .string(installation.purpose.rawValue),
                "deploymentNamespace": .string(installation.deploymentNamespace),
            ],
        ]
    }

    /// `berth router`'s TLS options, reading the mounted Secret (renewed in place by the kubelet).
    static func tlsArguments(_ installation: RouterInstallation) -> [JSONValue] {
        guard let tls = installation.tls else { return [] }
        return [
            "--ssl-cert-pem-file", .string(RouterInstallation.tlsMountPath + "/tls.crt"),
            "--ssl-key-pem-file", .string(RouterInstallation.tlsMountPath + "/tls.key"),
            "--ssl-cname", .string(tls.cname),
        ]
    }

    /// A probe of the router's `path`, over https when it serves TLS (the kubelet does not verify
    /// the certificate).
    static func probe(_ path: String, _ installation: RouterInstallation) -> JSONValue {
        [
            "path": .string(path), "port": portName(installation),
            "scheme": installation.tls == nil ? "HTTP" : "HTTPS",
        ]
    }

    /// `--feed-ca-file`: the CA the control plane's certificate is checked against, mounted from
    /// the feed Secret, when the control plane serves one from the workspace CA.
    static func feedCAArguments(_ installation: RouterInstallation) -> [JSONValue] {
        guard installation.controlPlaneCAPEM != nil else { return [] }
        return ["--feed-ca-file", .string(RouterInstallation.feedMountPath + "/control-plane-ca")]
    }

    /// The Pod's volumes: scratch space, the TLS Secret, the feed's CA.
    static func volumes(_ installation: RouterInstallation) -> [JSONValue] {
        var volumes = [PodHardening.emptyDir("tmp", sizeLimit: "256Mi")]
        if installation.tls != nil {
            volumes.append([
                "name": "tls",
                "secret": ["secretName": .string(RouterInstallation.tlsSecretName), "defaultMode": 0o400],
            ])
        }
        if installation.controlPlaneCAPEM != nil {
            volumes.append([
                "name": "feed-ca",
                "secret": [
                    "secretName": .string(RouterInstallation.routerName), "defaultMode": 0o444,
                    "items": [["key": "control-plane-ca", "path": "control-plane-ca"]],
                ],
            ])
        }
        return volumes
    }

    /// Where the container sees its volumes.
    static func volumeMounts(_ installation: RouterInstallation) -> [JSONValue] {
        var mounts = [PodHardening.mount("tmp", at: "/tmp")]
        if installation.tls != nil {
            mounts.append(["name": "tls", "mountPath": .string(RouterInstallation.tlsMountPath), "readOnly": true])
        }
        if installation.controlPlaneCAPEM != nil {
            mounts.append(["name": "feed-ca", "mountPath": .string(RouterInstallation.feedMountPath), "readOnly": true])
        }
        return mounts
    }
}
