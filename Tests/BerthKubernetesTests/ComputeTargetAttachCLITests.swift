import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// `berth computetarget attach kubernetes` / `detach` end to end: the real CLI and server
/// processes, attaching the API double through a kubeconfig file.
@Suite(.validatesSentObjects)
struct ComputeTargetAttachCLITests {
    @Test(
        "Attach refuses a small FastProd cluster, attaches it as DevTest, refuses a second name, detaches",
        .timeLimit(.minutes(3)))
    func attachAndDetach() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let folder = try TemporaryDirectory("berth-k8s-cli")
            defer { folder.remove() }
            let home = folder.appending("home")
            let kubeconfig = try folder.write(Data(double.kubeconfig(namespace: "ml").utf8), to: "kubeconfig")
            try await BerthServer.withRunning(home: home) { server in
                try await journey(double: double, home: home, kubeconfig: kubeconfig)
            }
        }
    }

    @Test(
        "attach aks attaches through the kubeconfig; Azure's resource id is answered with how to get one",
        .timeLimit(.minutes(3)))
    func attachAKS() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let folder = try TemporaryDirectory("berth-k8s-cli")
            defer { folder.remove() }
            let home = folder.appending("home")
            let kubeconfig = try folder.write(
                Data(double.kubeconfig(context: "mycluster", namespace: "ml").utf8), to: "kubeconfig")
            try await BerthServer.withRunning(home: home) { _ in
                let id =
                    "/subscriptions/sub-1/resourceGroups/myrg/providers/Microsoft.ContainerService/managedClusters/mycluster"
                let byID = try await BerthCLI.run(
                    ["computetarget", "attach", "aks", "-n", "aks-1", "-i", id], home: home)
                #expect(byID.exitCode == 64, "\(byID)")
                #expect(
                    byID.stderr.contains(
                        "Get the kubeconfig with 'az aks get-credentials -g myrg -n mycluster -f "
                            + "mycluster.kubeconfig', then run 'berth computetarget attach aks -n aks-1 --kubeconfig "
                            + "mycluster.kubeconfig --context mycluster'."),
                    "\(byID)")
                let notAKS = try await BerthCLI.run(
                    [
                        "computetarget", "attach", "aks", "-n", "aks-1", "--compute-resource-id",
                        "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm",
                    ], home: home)
                #expect(
                    notAKS.stderr.contains(
                        "Invalid resource_id provided, resource type Microsoft.Compute does not match for AKS."),
                    "\(notAKS)")

                let attached = try await BerthCLI.run(
                    [
                        "computetarget", "attach", "aks", "-n", "aks-1", "--kubeconfig", kubeconfig.path, "--context",
                        "mycluster", "--cluster-purpose", "DevTest", "--output", "json",
                    ], home: home)
                #expect(attached.succeeded, "\(attached)")
                let compute = try attached.json(ComputeTarget.self)
                #expect(compute.computeType == .kubernetes)
                #expect(compute.kubernetes?.namespace == "ml")
                #expect(double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router") != nil)
            }
        }
    }

    func journey(double: RunningKubernetesAPIDouble, home: URL, kubeconfig: URL) async throws {
        let attach = ["computetarget", "attach", "kubernetes", "--kubeconfig", kubeconfig.path]

        let small = try await BerthCLI.run(attach + ["-n", "aks-1"], home: home)
        #expect(small.exitCode == 1, "\(small)")
        #expect(
            small.stderr.contains("4 allocatable vCPUs on 1 ready node (of 1); a FastProd cluster needs at least 12"),
            "\(small)")

        let attached = try await BerthCLI.run(
            attach + ["-n", "aks-1", "--cluster-purpose", "DevTest", "--output", "json"], home: home)
        #expect(attached.succeeded, "\(attached)")
        let compute = try attached.json(ComputeTarget.self)
        #expect(compute.computeType == .kubernetes)
        #expect(compute.clusterPurpose == .devTest)
        #expect(compute.kubernetes?.namespace == "ml")
        #expect(compute.kubernetes?.serverVersion == "v1.31.0-berth-double")
        #expect(compute.capacity.cores == 4)
        #expect(double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router") != nil)
        #expect(!attached.stdout.contains("double-token-not-checked"))
        // The saved kubeconfig is the server's secret.
        let saved = home.appendingPathComponent("kubernetes/aks-1.kubeconfig").path
        let mode = try FileManager.default.attributesOfItem(atPath: saved)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try await BerthCLI.run(attach + ["-n", "aks-2", "--cluster-purpose", "DevTest"], home: home)
        #expect(second.exitCode == 1, "\(second)")
        #expect(second.stderr.contains("already attached to this workspace as compute target 'aks-1'"), "\(second)")

        let detached = try await BerthCLI.run(["computetarget", "detach", "-n", "aks-1"], home: home)
        #expect(detached.succeeded, "\(detached)")
        #expect(double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router") == nil)
        #expect(double.object(kind: "ConfigMap", namespace: "berth-system", name: "berth-attachment") == nil)
        let list = try await BerthCLI.run(["computetarget", "list", "--output", "json"], home: home)
        #expect(try list.json([ComputeTarget].self).isEmpty, "\(list)")
        #expect(!FileManager.default.fileExists(atPath: saved))
    }
}
