import ArgumentParser
import BerthRouter

/// The router's own limits on clients, and whether it keeps metrics, shared by `berth server` and
/// `berth router`, so an exposed router can be tuned without a rebuild; the defaults are
/// `Router.Configuration`'s.
package struct RouterLimitOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Client connections open at once; more get 503 (default 8192).")
    var maxConnections: Int?

    @Option(
        name: .long,
        help: "Request-body megabytes held across all requests at once; more get 503 (default 1024).")
    var maxBufferedBodyMb: Int?

    @Option(name: .long, help: "Seconds a client may take to send a request head; slower gets 408 (default 20).")
    var headTimeout: Double?

    @Option(name: .long, help: "Seconds a client connection may stay quiet before it is closed (default 120).")
    var idleTimeout: Double?

    /// `on` or `off`, as `--metrics` takes it.
    package enum Switch: String, ExpressibleByArgument, Sendable {
        case on, off
    }

    @Option(
        name: .long,
        help:
            "Whether the router counts requests and serves GET /metrics (Prometheus) on its port: on or off (default on)."
    )
    var metrics: Switch?

    /// Rejects limits outside what the router can work with.
    package func validate() throws {
        if let maxConnections, maxConnections < 1 {
            throw ValidationError("--max-connections (\(maxConnections)) must be at least 1.")
        }
        if let maxBufferedBodyMb, maxBufferedBodyMb < 1 {
            throw ValidationError("--max-buffered-body-mb (\(maxBufferedBodyMb)) must be at least 1.")
        }
        for (flag, value) in [("--head-timeout", headTimeout), ("--idle-timeout", idleTimeout)] {
            if let value, !(value > 0 && value <= 86_400) {
                throw ValidationError("\(flag) (\(value)) must be more than 0 and at most 86400 seconds.")
            }
        }
    }

    /// Sets the limits given on `configuration`; the others keep their defaults.
    package func apply(to configuration: inout Router.Configuration) {
        if let maxConnections { configuration.maxConnections = maxConnections }
        if let maxBufferedBodyMb { configuration.maxBufferedBodyBytes = maxBufferedBodyMb * 1024 * 1024 }
        if let headTimeout { configuration.requestHeadTimeout = .milliseconds(Int64(headTimeout * 1000)) }
        if let idleTimeout { configuration.clientIdleTimeout = .milliseconds(Int64(idleTimeout * 1000)) }
        if let metrics { configuration.metrics = metrics == .on }
    }
}
