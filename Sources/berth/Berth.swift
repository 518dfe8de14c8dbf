import ArgumentParser

/// `berth`: deploy Azure-ML-style models as authenticated, autoscaled web services.
///
/// The verbs follow Azure's `az ml` v1 CLI (`computetarget`, `model`, …) with its flag names, so
/// users of "deploy to AKS" feel at home. Exit codes: 0 success, 1 a failed call (the message says
/// why and what to do), 64 bad command-line usage.
@main
struct Berth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "Deploy Azure ML models as authenticated, autoscaled web services, on this machine or Kubernetes.",
        discussion: """
            Start the server once ('berth server &'), then use the verbs. The CLI finds the server through \
            the workspace folder ($BERTH_HOME, default ~/.berth).

            Exit codes: 0 success; 1 the call failed (the message says why); 64 bad usage.
            """,
        subcommands: [
            ServerCommand.self,
            AutoscaleCommand.self,
            ComputeTargetCommand.self,
            ModelCommand.self,
            ReplicaCommand.self,
            RouterCommand.self,
            ServiceCommand.self,
            WorkspaceCommand.self,
            EndpointCommand.self,
            EnvironmentCommand.self,
            SDKCommand.self,
            UICommand.self,
        ]
    )
}
