import ArgumentParser
import AsyncHTTPClient
import BerthClient
import BerthCore
import BerthKubernetesAPI
import BerthRouter
import BerthRouterFeed
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

extension RouterOptions {
    /// The services of a `--feed` router: the feed follower, the load reporter (the control
    /// plane's autoscaler counts this router's traffic from it) and, when a cluster is reachable
    /// (`--kubeconfig`, or the Pod's service account), the EndpointSlice watcher.
    func feedServices(controlPlaneURL: String, compute: String, router: Router, logger: Logger) throws
        -> [ServiceGroupConfiguration.ServiceConfiguration]
    {
        let environment = ProcessInfo.processInfo.environment
        let token = try feedToken(environment: environment)
        let connection: (@Sendable () throws -> KubernetesConnection)?
        if let kubeconfig {
            let (context, namespace) = (self.context, self.namespace)
            connection = { try Kubeconfig.load(path: kubeconfig, context: context, namespace: namespace) }
        } else if InClusterConfig.isAvailable(environment: environment) {
            let namespace = self.namespace
            connection = { try InClusterConfig.connection(environment: environment, namespace: namespace) }
        } else {
            connection = nil
        }
        let first: KubernetesConnection?
        do {
            first = try connection?()
        } catch let error as KubernetesError {
            throw ValidationError(error.message)
        }
        let source = ClusterRouteSource(
            source: connection == nil ? .feed : .endpointSlices, defaultNamespace: first?.namespace, logger: logger,
            apply: { router.update($0) })
        // One EndpointSlice watch per namespace the table names (deployments may set their own).
        var sliceWatchers: EndpointSliceWatchers?
        if let connection, let first {
            sliceWatchers = EndpointSliceWatchers(initial: first.namespace, logger: logger) { namespace in
                EndpointSliceWatcher(
                    namespace: namespace,
                    makeClient: { try KubernetesClient(connection: connection(), httpClient: $0, logger: logger) },
                    logger: logger, onList: { source.replaceSlices($0, namespace: namespace) },
                    onChange: { source.slice(named: $0, $1) })
            }
        }
        let watchers = sliceWatchers
        var feedConfiguration = RouteFeedFollower.Configuration(
            controlPlaneURL: controlPlaneURL, compute: compute, token: token)
        if let feedCaFile {
            do {
                feedConfiguration.trustedCAPEM = try String(contentsOfFile: feedCaFile, encoding: .utf8)
            } catch {
                throw ValidationError("--feed-ca-file \(feedCaFile) cannot be read: \(error.localizedDescription)")
            }
        }
        let follower = RouteFeedFollower(
            configuration: feedConfiguration, logger: logger,
            servingGeneration: { source.servingGeneration },
            onTable: {
                source.receive(feed: $0)
                watchers?.want(source.namespaces)
            })
        // The control plane's autoscaler counts this router's traffic from these reports.
        // A report older than a second is stale anyway; a control plane that is away must not
        // hold one for the client's default two minutes.
        let http = try feedCaFile.map { try WorkspaceHTTPClients.client(trusting: $0) } ?? .shared
        let client = {
            var client = ControlPlaneClient(baseURL: controlPlaneURL, token: token, http: http)
            client.timeout = .seconds(1)
            return client
        }()
        let reporter = RouterLoadReporter(
            router: router, routerID: routerID(environment: environment), compute: compute, logger: logger,
            send: { try await client.reportLoad($0) })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: follower), .init(service: reporter),
        ]
        if let first, let watchers {
            logger.info(
                "Replica addresses from EndpointSlices",
                metadata: ["cluster": "\(first)", "namespace": "\(first.namespace)"])
            services.append(.init(service: watchers))
        } else {
            logger.info("Replica addresses from the route feed (no cluster to watch: not in a Pod, no --kubeconfig)")
        }
        return services
    }

    /// This router's id in its load reports: `$POD_NAME` (the router manifests set it from the Pod's
    /// name), else `<host name>-<pid>`, made to follow the control plane's rule for router ids (a
    /// host name may have capitals or '_', which a Pod name cannot).
    func routerID(environment: [String: String]) -> String {
        if let pod = environment["POD_NAME"], !pod.isEmpty { return RouterLoadReport.routerID(from: pod) }
        return RouterLoadReport.routerID(
            from: "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)")
    }

    /// The feed token: `--feed-token-file`, else `$BERTH_FEED_TOKEN`. Never logged.
    func feedToken(environment: [String: String]) throws -> String {
        if let feedTokenFile {
            guard let text = try? String(contentsOfFile: feedTokenFile, encoding: .utf8),
                !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else {
                throw ValidationError("--feed-token-file '\(feedTokenFile)' cannot be read or is empty.")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token = environment["BERTH_FEED_TOKEN"], !token.isEmpty else {
            throw ValidationError(
                "--feed needs the cluster's feed token: set BERTH_FEED_TOKEN or pass --feed-token-file (router Pods get it from the berth-router Secret)."
            )
        }
        return token
    }
}
