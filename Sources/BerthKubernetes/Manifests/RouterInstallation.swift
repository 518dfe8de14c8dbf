import BerthCore

/// What attaching a cluster installs in `berth-system`, as pure data: the router's account and
/// least-privilege RBAC, its Deployment and Service, the Secret with its feed credentials, and the
/// ConfigMap that marks the cluster as attached to a workspace.
public struct RouterInstallation: Sendable, Hashable {
    /// The compute target's name in the workspace.
    public var computeName: String
    /// The workspace's id: a second workspace (or a second name in this one) sees it in the marker.
    public var workspaceID: String
    public var purpose: ClusterPurpose
    public var loadBalancerType: LoadBalancerType
    /// The namespace replicas run in (the router may read EndpointSlices and Pods there only).
    public var deploymentNamespace: String
    /// The Berth runtime image.
    public var image: String
    /// The control plane's URL as the router Pods reach it (the route-table feed).
    public var controlPlaneURL: String
    /// The token the router presents to the feed. Secret.
    public var feedToken: String
    /// The certificate the router Pods serve scoring with (the compute target's
    /// `sslConfiguration`); nil: plain HTTP on port 80.
    public var tls: RouterTLS?
    /// The CA the control plane's certificate comes from, when Pods must be told to trust it (a
    /// workspace-CA certificate on an https control-plane URL); in the feed Secret.
    public var controlPlaneCAPEM: String?
    /// The `OTEL_*` variables of the control plane when it exports traces: the router container
    /// gets them, so its spans reach the same collector. Empty: the router Pods export none.
    public var traceEnvironment: [String: String] = [:]

    public init(
        computeName: String, workspaceID: String, purpose: ClusterPurpose, loadBalancerType: LoadBalancerType,
        deploymentNamespace: String, image: String, controlPlaneURL: String, feedToken: String, tls: RouterTLS? = nil,
        controlPlaneCAPEM: String? = nil
    ) {
        self.tls = tls
        self.controlPlaneCAPEM = controlPlaneCAPEM
        self.computeName = computeName
        self.workspaceID = workspaceID
        self.purpose = purpose
        self.loadBalancerType = loadBalancerType
        self.deploymentNamespace = deploymentNamespace
        self.image = image
        self.controlPlaneURL = controlPlaneURL
        self.feedToken = feedToken
    }

    /// The TLS Secret mounted into the router Pods.
    public static let tlsSecretName = "berth-router-tls"
    /// Where the router Pods see the TLS Secret's `tls.crt` and `tls.key`.
    public static let tlsMountPath = "/etc/berth/tls"
    /// Where the router Pods see the control plane's CA (`--feed-ca-file`).
    public static let feedMountPath = "/etc/berth/feed"

    /// The ConfigMap marking the cluster as attached.
    public static let markerName = "berth-attachment"
    public static let routerName = "berth-router"
    /// The router's port inside the Pod and on the Service.
    public static let routerPort = 8080

    /// Router Pods: one on DevTest (it does not scale itself), at least two on FastProd.
    public var routerReplicas: Int { purpose == .devTest ? 1 : 2 }
}

/// A router's certificate on a cluster: the chain and key go into a `kubernetes.io/tls` Secret the
/// router Pods mount (renewed by replacing the Secret: the kubelet updates the files and the
/// router serves them to new connections), and the Service listens on 443.
public struct RouterTLS: Sendable, Hashable {
    /// The certificate chain, PEM, the server's certificate first.
    public var certificateChainPEM: String
    /// The private key, PEM. Secret.
    public var privateKeyPEM: String
    /// The host name clients use; scoring URIs are `https://<cname>/…`.
    public var cname: String

    public init(certificateChainPEM: String, privateKeyPEM: String, cname: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.cname = cname
    }
}
