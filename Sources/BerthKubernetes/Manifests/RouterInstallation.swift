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

    public init(
        computeName: String, workspaceID: String, purpose: ClusterPurpose, loadBalancerType: LoadBalancerType,
        deploymentNamespace: String, image: String, controlPlaneURL: String, feedToken: String
    ) {
        self.computeName = computeName
        self.workspaceID = workspaceID
        self.purpose = purpose
        self.loadBalancerType = loadBalancerType
        self.deploymentNamespace = deploymentNamespace
        self.image = image
        self.controlPlaneURL = controlPlaneURL
        self.feedToken = feedToken
    }

    /// The ConfigMap marking the cluster as attached.
    public static let markerName = "berth-attachment"
    public static let routerName = "berth-router"
    /// The router's port inside the Pod and on the Service.
    public static let routerPort = 8080

    /// Router Pods: one on DevTest (it does not scale itself), at least two on FastProd.
    public var routerReplicas: Int { purpose == .devTest ? 1 : 2 }
}
