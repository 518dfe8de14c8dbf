import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `computetarget create aks` and `computetarget attach aks`: the verbs Azure's articles use, so
/// their commands run as written. Berth has no Azure account to create AKS clusters in, so
/// `create aks` makes the cluster `create local` makes, sized by the same agents Azure's would be;
/// `attach aks` attaches the cluster through its kubeconfig, as `attach kubernetes` does.
extension ComputeTargetCommand {
    struct CreateAKS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aks",
            abstract: "Create a cluster sized like an AKS one (an alias of 'create local').",
            discussion: """
                Accepts az ml computetarget create aks's sizing flags with Azure's defaults: --agent-count 3 \
                --vm-size Standard_D3_v2 --cluster-purpose FastProd (12 vCPUs). The cluster is a local one: \
                replicas run as processes on this machine, within the declared capacity. To use a real AKS \
                cluster, get its kubeconfig ('az aks get-credentials') and run 'berth computetarget attach aks'.
                """)

        @Option(
            name: [.short, .long], help: "Cluster name: 3–24 characters, starting with a letter; letters, digits, '-'.")
        var name: String
        @Option(name: [.short, .customLong("agent-count")], help: "Number of agents (default 3; 1 for DevTest).")
        var agentCount: Int?
        @Option(
            name: [.customShort("s"), .customLong("vm-size")],
            help: "Azure VM size of each agent (default Standard_D3_v2).")
        var vmSize: String?
        @Option(name: .long, help: "FastProd (default) or DevTest.")
        var clusterPurpose: String?
        @Option(name: .long, help: "A description.")
        var description: String?
        @OptionGroup(title: "TLS") var ssl: ComputeTLSOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            if global.output == .table {
                FileHandle.standardError.write(
                    Data(
                        ("Creating local cluster '\(name)': Berth runs AKS-style clusters on this machine "
                            + "('create aks' is 'create local').\n").utf8))
            }
            try await ComputeTargetCommand.createLocal(
                CreateComputeRequest(
                    name: name, computeType: "Local", clusterPurpose: clusterPurpose, agentCount: agentCount,
                    vmSize: vmSize, description: description, sslConfiguration: try ssl.request()),
                global: global)
        }
    }

    struct AttachAKS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aks",
            abstract: "Attach an AKS cluster through its kubeconfig (as 'attach kubernetes').",
            discussion: """
                Example: az aks get-credentials -g myrg -n mycluster -f aks.kubeconfig; \
                berth computetarget attach aks -n myaks --kubeconfig aks.kubeconfig --context mycluster

                Azure's -i/--compute-resource-id names the cluster to Azure Resource Manager, which Berth does \
                not call: given one, attach answers with the commands that get the kubeconfig instead.
                """)

        @Option(name: [.short, .long], help: "Compute target name: 3–24 characters, starting with a letter.")
        var name: String
        @Option(name: .long, help: "Path of the cluster's kubeconfig file.") var kubeconfig: String?
        @Option(name: .long, help: "The kubeconfig context (default: its current-context).") var context: String?
        @Option(
            name: [.customShort("i"), .customLong("compute-resource-id"), .customLong("resource-id")],
            help: "Azure's resource id of the cluster; not usable here (see above).")
        var resourceID: String?
        @Option(name: .long, help: "Namespace for deployments (default: the context's, else default).")
        var namespace: String?
        @Option(name: .long, help: "FastProd (default) or DevTest.") var clusterPurpose: String?
        @Option(name: .long, help: "PublicIp (default) or InternalLoadBalancer.") var loadBalancerType: String?
        @Option(name: .long, help: "A description.") var description: String?
        @OptionGroup(title: "TLS") var ssl: ComputeTLSOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let resourceID { throw ValidationError(AKSResourceID.advice(for: resourceID, name: name)) }
            guard kubeconfig != nil else {
                throw ValidationError(
                    "Give the cluster's kubeconfig with --kubeconfig FILE (and --context NAME); 'az aks "
                        + "get-credentials -g RESOURCE_GROUP -n CLUSTER -f FILE' writes one.")
            }
        }

        func run() async throws {
            try await ComputeTargetCommand.attach(
                name: name, kubeconfig: kubeconfig ?? "", context: context, namespace: namespace,
                clusterPurpose: clusterPurpose, loadBalancerType: loadBalancerType, description: description,
                ssl: try ssl.request(), global: global)
        }
    }
}

/// Azure's AKS resource id (`/subscriptions/S/resourceGroups/G/providers/Microsoft.ContainerService/
/// managedClusters/C`), read only to say which kubeconfig to get instead.
enum AKSResourceID {
    /// The message for `attach aks -i ID`: Azure's own error for a malformed id, else the
    /// commands that fetch the cluster's kubeconfig and attach it with it.
    static func advice(for resourceID: String, name: String) -> String {
        let parts = resourceID.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 9 else {
            return "Invalid resource_id provided: \(resourceID). An AKS cluster's id looks like /subscriptions/SUB/"
                + "resourceGroups/GROUP/providers/Microsoft.ContainerService/managedClusters/CLUSTER."
        }
        guard parts[6].lowercased() == "microsoft.containerservice" else {
            return "Invalid resource_id provided, resource type \(parts[6]) does not match for AKS."
        }
        let group = parts[4]
        let cluster = parts[8]
        return "Berth attaches a cluster through its kubeconfig, not its Azure resource id (Berth does not call "
            + "Azure). Get the kubeconfig with 'az aks get-credentials -g \(group) -n \(cluster) -f "
            + "\(cluster).kubeconfig', then run 'berth computetarget attach aks -n \(name) --kubeconfig "
            + "\(cluster).kubeconfig --context \(cluster)'."
    }
}
