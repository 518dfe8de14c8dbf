/// How a replica on Kubernetes tells the router's requests from anyone else's: replica Pods are
/// reachable from the whole cluster (their Service, their Pod IPs), so the router adds a
/// per-deployment secret to every request it forwards and the replica refuses scoring requests
/// without it.
///
/// The secret is derived by the control plane (`ReplicaSecrets` in BerthAuth), travels to routers
/// in the route table (`ServiceRoute.replicaSecret`) and to the Pods in the deployment's Secret.
/// Local replicas listen on private Unix sockets instead and need none.
public enum ReplicaAuthentication {
    /// The request header the router sets; a client's own is never forwarded. Lowercase, as the
    /// router's header matching expects.
    public static let headerName: StaticString = "x-berth-replica-secret"

    /// The environment variable `berth replica` reads the secret from: never a flag, since a
    /// process's arguments are visible to every user of the machine (`ps`).
    public static let environmentVariable = "BERTH_REPLICA_SECRET"
}
