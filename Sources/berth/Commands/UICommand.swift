import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth ui`: prints a one-time link that opens the dashboard in a browser.
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Print a one-time link that opens the live dashboard (services, replicas, traffic) in a browser.",
        discussion: """
            The link (http://HOST:PORT/ui/login?token=…) works once, within two minutes; opening it gives the \
            browser a session for the dashboard (12 hours) and nothing else: the session cannot deploy, delete or \
            read keys. Run it again for another browser or after the session ends. The dashboard is served on the \
            control plane's (admin) address, loopback by default: from another machine, reach it through an SSH \
            tunnel (ssh -L 8890:127.0.0.1:8890 HOST).
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let link = try await global.client().dashboardLoginLink()
        if global.output.isStructured {
            return try Output.structured(
                global.output, ["url": link.url, "expiresOn": ISO8601DateFormatter().string(from: link.expiresOn)])
        }
        print("Open this link within two minutes (it works once):")
        print(link.url)
    }
}
