import ArgumentParser
import BerthRouterCommand

/// `berth router`: the router (data plane) alone, as `RouterOptions` runs it. The same command
/// ships as the `berth-router` executable, which router Pods run because it links no store,
/// control plane or Kubernetes backend; this subcommand keeps `berth router` working.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = RouterOptions.commandConfiguration(named: "router")

    @OptionGroup var options: RouterOptions

    func run() async throws { try await options.run() }
}
