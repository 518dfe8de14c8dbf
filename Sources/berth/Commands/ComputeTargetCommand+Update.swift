import ArgumentParser
import BerthClient
import BerthCore
import Foundation

extension ComputeTargetCommand {
    /// `berth computetarget update -n NAME --ssl-…`: Azure's `az ml computetarget update aks`
    /// (`AksUpdateConfiguration`) for the TLS of the cluster's scoring.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable, replace, renew or disable TLS for a compute target's scoring.",
            discussion: """
                Replacing the certificate needs no restart: new connections get the new one, open ones keep \
                theirs. Writing new certificate.pem and key.pem into $BERTH_HOME/tls/computes/NAME/ does the same. \
                The services on the compute target are scored only over https while TLS is on.
                """)

        @Option(name: [.short, .long], help: "The compute target.") var name: String
        @OptionGroup(title: "TLS") var ssl: ComputeTLSOptions
        @Flag(name: .long, help: "Issue the --ssl-leaf-domain-label certificate again.") var sslRenew = false
        @Flag(name: .long, help: "Stop serving TLS: the services are scored over plain HTTP again.")
        var sslDisable = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let request: SSLConfigurationRequest
            if sslDisable {
                request = SSLConfigurationRequest(status: "Disabled")
            } else if sslRenew {
                request = SSLConfigurationRequest(renew: true)
            } else if let given = try ssl.request() {
                request = given
            } else {
                throw ValidationError(
                    "Nothing to update: give --ssl-cname with --ssl-cert-pem-file and --ssl-key-pem-file, "
                        + "--ssl-leaf-domain-label, --ssl-self-signed, --ssl-renew or --ssl-disable.")
            }
            let compute = try await global.client().updateCompute(
                named: name, UpdateComputeRequest(sslConfiguration: request))
            try ComputeTargetCommand.print(compute, global.output)
        }
    }
}
