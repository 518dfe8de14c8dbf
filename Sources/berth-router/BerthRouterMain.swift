import ArgumentParser
import BerthRouterCommand

/// `berth-router`: the router (data plane) alone, the same command as `berth router`
/// (`RouterOptions`) in an executable that links only what a router runs: no SQLite store, control
/// plane or Kubernetes backend. Router Pods run it (`RouterManifests`, `deploy/Dockerfile`).
@main
struct BerthRouterMain: AsyncParsableCommand {
    static let configuration = RouterOptions.commandConfiguration(named: "berth-router")

    @OptionGroup var options: RouterOptions

    func run() async throws { try await options.run() }
}
