import BerthCore

extension RouterManifests {
    /// Router Pods a FastProd cluster's router scales out to at most.
    public static let maxRouterReplicas = 10
    /// The router Pods' average CPU use, in percent of their request, above which one more is added.
    public static let routerTargetCPUPercent = 70

    /// On FastProd, the router scales its Pods the seed's way (azureml-fe scales itself there):
    /// a HorizontalPodAutoscaler between the installation's router count (2) and
    /// `maxRouterReplicas` on CPU use, beside the event-loop threads each Pod scales itself.
    /// DevTest keeps one Pod (nil). It needs the cluster's metrics API (metrics-server, present
    /// on AKS); without it the Deployment simply stays at 2.
    public static func horizontalPodAutoscaler(_ installation: RouterInstallation) -> JSONValue? {
        guard installation.purpose == .fastProd else { return nil }
        return [
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(installation),
            "spec": [
                "scaleTargetRef": [
                    "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(RouterInstallation.routerName),
                ],
                "minReplicas": ManifestLabels.number(installation.routerReplicas),
                "maxReplicas": ManifestLabels.number(max(maxRouterReplicas, installation.routerReplicas)),
                "metrics": [
                    [
                        "type": "Resource",
                        "resource": [
                            "name": "cpu",
                            "target": [
                                "type": "Utilization",
                                "averageUtilization": ManifestLabels.number(routerTargetCPUPercent),
                            ],
                        ],
                    ]
                ],
            ],
        ]
    }
}
