import ArgumentParser
import BerthClient
import BerthCore
import BerthKubernetesAPI
import Foundation

/// `berth computetarget …`, shaped like `az ml computetarget`.
struct ComputeTargetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "computetarget",
        abstract: "Create, attach, list, show, detach and delete inference clusters.",
        subcommands: [Create.self, Attach.self, List.self, Show.self, Update.self, Detach.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an inference cluster.", subcommands: [CreateLocal.self, CreateAKS.self])
    }

    struct CreateLocal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "local",
            abstract: "Create a local cluster: replicas run as processes on this machine.",
            discussion: """
                The capacity is declared, as an AKS cluster's agents would give it: --agent-count N --vm-size SIZE \
                (default 3 × Standard_D3_v2 = 12 vCPUs), or --cores and --memory-gb directly. It may exceed this \
                machine's cores. FastProd clusters need ≥ 12 vCPUs in total, DevTest ≥ 2.
                """)

        @OptionGroup var shape: ClusterShapeOptions
        @Option(name: .long, help: "Total vCPUs, instead of agents × VM size.")
        var cores: Double?
        @Option(name: .customLong("memory-gb"), help: "Total memory in GB, with --cores.")
        var memoryGB: Double?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await ComputeTargetCommand.createLocal(
                try shape.request(cores: cores, memoryInGB: memoryGB), global: global)
        }
    }

    /// Creates a local cluster and prints it.
    static func createLocal(_ request: CreateComputeRequest, global: GlobalOptions) async throws {
        try print(try await global.client().createCompute(request), global.output)
    }

    struct Attach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach an existing cluster.", subcommands: [AttachKubernetes.self, AttachAKS.self])
    }

    struct AttachKubernetes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kubernetes",
            abstract: "Attach a Kubernetes cluster: check it and install Berth's router in it.",
            discussion: """
                The kubeconfig is read as kubectl reads it (context, server, CA, client certificate/key, token, \
                insecure-skip-tls-verify); only the chosen context is sent to the server, with its files inlined. \
                Attach checks that the API answers, that ready nodes offer enough vCPUs (FastProd ≥ 12, \
                DevTest ≥ 2) and that no workspace attached the cluster already, then installs the router in \
                namespace berth-system. See docs/kubernetes.md.
                """)

        @Option(name: [.short, .long], help: "Compute target name: 3–24 characters, starting with a letter.")
        var name: String
        @Option(name: .long, help: "Path of the kubeconfig file.") var kubeconfig: String
        @Option(name: .long, help: "The kubeconfig context (default: its current-context).") var context: String?
        @Option(name: .long, help: "Namespace for deployments (default: the context's, else default).")
        var namespace: String?
        @Option(name: .long, help: "FastProd (default) or DevTest.") var clusterPurpose: String?
        @Option(name: .long, help: "PublicIp (default) or InternalLoadBalancer.") var loadBalancerType: String?
        @Option(name: .long, help: "A description.") var description: String?
        @OptionGroup(title: "TLS") var ssl: ComputeTLSOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await ComputeTargetCommand.attach(
                name: name, kubeconfig: kubeconfig, context: context, namespace: namespace,
                clusterPurpose: clusterPurpose, loadBalancerType: loadBalancerType, description: description,
                ssl: try ssl.request(), global: global)
        }
    }

    /// Reads the kubeconfig's context here (only it is sent, files inlined), attaches the cluster
    /// printing the operation's progress, and prints the compute target.
    static func attach(
        name: String, kubeconfig: String, context: String?, namespace: String?, clusterPurpose: String?,
        loadBalancerType: String?, description: String?, ssl: SSLConfigurationRequest?, global: GlobalOptions
    ) async throws {
        let connection: KubernetesConnection
        do {
            connection = try Kubeconfig.load(path: kubeconfig, context: context, namespace: namespace)
        } catch let error as KubernetesError {
            throw error.berthError
        }
        let compute = try await global.client().attachKubernetes(
            AttachKubernetesRequest(
                name: name, kubeconfig: connection.flattenedKubeconfig, context: connection.contextName,
                namespace: connection.namespace, clusterPurpose: clusterPurpose,
                loadBalancerType: loadBalancerType, description: description, sslConfiguration: ssl),
            onLog: { entry in if global.output == .table { Swift.print(entry.message) } })
        try print(compute, global.output)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List compute targets.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let computes = try await global.client().computes()
            if global.output.isStructured { return try Output.structured(global.output, computes) }
            Output.table(
                ["NAME", "TYPE", "PURPOSE", "STATE", "CAPACITY", "MACHINE"],
                computes.map { c in
                    [
                        c.name, c.computeType.rawValue, c.clusterPurpose.rawValue, c.provisioningState.rawValue,
                        "\(Output.number(c.capacity.cores)) vCPU / \(Output.number(c.capacity.memoryInGB)) GB",
                        c.machineCores.map { "\($0) cores" } ?? "-",
                    ]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one compute target.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try ComputeTargetCommand.print(try await global.client().compute(named: name), global.output)
        }
    }

    struct Detach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detach a compute target from the workspace.",
            discussion:
                "For a Kubernetes cluster, removes everything Berth installed in it. Refused while services run on it, unless --force (which deletes them too)."
        )
        @Option(name: [.short, .long]) var name: String
        @Flag(name: .long, help: "Also delete the services still deployed on the cluster.") var force = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.client().detachKubernetes(named: name, force: force)
            if global.output.isStructured {
                return try Output.structured(global.output, ["name": name, "provisioningState": "Detached"])
            }
            Swift.print("Detached compute target '\(name)'.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a compute target.")
        @Option(name: [.short, .long]) var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.client().deleteCompute(named: name, action: "delete")
            if global.output.isStructured {
                return try Output.structured(global.output, ["name": name, "provisioningState": "Deleted"])
            }
            Swift.print("Deleted compute target '\(name)'.")
        }
    }

    static func print(_ compute: ComputeTarget, _ format: OutputFormat) throws {
        if format.isStructured { return try Output.structured(format, compute) }
        var pairs: [(String, String)] = [
            ("name", compute.name), ("computeType", compute.computeType.rawValue),
            ("clusterPurpose", compute.clusterPurpose.rawValue),
            ("provisioningState", compute.provisioningState.rawValue),
        ]
        if let count = compute.capacity.agentCount, let size = compute.capacity.agentVmSize {
            pairs.append(("agents", "\(count) × \(size)"))
        }
        pairs.append(
            (
                "capacity",
                "\(Output.number(compute.capacity.cores)) vCPU, \(Output.number(compute.capacity.memoryInGB)) GB"
                    + (compute.capacity.gpus.map { ", \($0) GPU" } ?? "") + " (declared)"
            ))
        if let cores = compute.machineCores {
            pairs.append(
                ("machine", "\(cores) cores, \(Output.number(compute.machineMemoryInGB ?? 0)) GB (this machine)"))
        }
        if let tls = compute.sslConfiguration {
            pairs.append(
                (
                    "tls",
                    "\(tls.status.rawValue), https://\(tls.cname) (certificate for "
                        + "\(tls.subjectNames.joined(separator: ", ")), expires \(Output.date(tls.notValidAfter)))"
                ))
        }
        if !compute.provisioningErrors.isEmpty {
            pairs.append(("errors", compute.provisioningErrors.joined(separator: "; ")))
        }
        pairs.append(("createdOn", Output.date(compute.createdOn)))
        Output.fields(pairs)
    }
}
