import BerthCore
import Foundation

/// A compute target as Azure's resource provider answers it: every local cluster and attached
/// Kubernetes cluster is AKS-shaped (`computeType: AKS`), so `ComputeTarget(ws, name)` gives the
/// SDK an `AksCompute`. Keys the SDK reads without a default are always present, `null` if unset.
enum AzureComputePayload {
    static func json(_ compute: ComputeTarget, identity: AzureWorkspaceIdentity, routerHost: String?) -> JSONValue {
        let attached = compute.computeType == .kubernetes
        let errors: JSONValue =
            compute.provisioningErrors.isEmpty
            ? .null
            : .array(
                compute.provisioningErrors.map { ["error": ["code": "ProvisioningFailed", "message": .string($0)]] })
        let inner: JSONValue = [
            "clusterPurpose": .string(compute.clusterPurpose.rawValue),
            "loadBalancerType": .string(compute.kubernetes?.loadBalancerType.rawValue ?? "PublicIp"),
            "loadBalancerSubnet": nil,
            "clusterFqdn": .string(compute.kubernetes?.server ?? routerHost ?? "127.0.0.1"),
            "systemServices": [
                [
                    "systemServiceType": "ScoringFrontEnd", "publicIpAddress": .string(routerHost ?? "127.0.0.1"),
                    "version": "1.0",
                ]
            ],
            "agentCount": compute.capacity.agentCount.map { .number(Double($0)) } ?? nil,
            "agentVmSize": compute.capacity.agentVmSize.map(JSONValue.string) ?? nil,
            // Never the certificate or the key: what `SslConfiguration.deserialize` reads back.
            "sslConfiguration": compute.sslConfiguration.map { tls -> JSONValue in
                [
                    "status": .string(tls.status.rawValue), "cname": .string(tls.cname),
                    "leafDomainLabel": tls.leafDomainLabel.map(JSONValue.string) ?? .null,
                ]
            } ?? .null,
        ]
        return [
            "id": .string("\(identity.armPath)/computes/\(compute.name)"), "name": .string(compute.name),
            "type": "Microsoft.MachineLearningServices/workspaces/computes",
            "location": .string(identity.location), "tags": nil, "identity": nil,
            "properties": [
                "computeType": "AKS", "computeLocation": .string(identity.location),
                "description": compute.description.map(JSONValue.string) ?? nil,
                "resourceId": .string(resourceID(of: compute, identity: identity)),
                "provisioningErrors": errors,
                "provisioningState": .string(compute.provisioningState.rawValue),
                "isAttachedCompute": .bool(attached),
                "createdOn": .string(BerthJSON.text(of: compute.createdOn)),
                "modifiedOn": .string(BerthJSON.text(of: compute.modifiedOn)),
                "properties": inner,
            ],
        ]
    }

    /// An AKS-style resource id: the attached cluster's kubeconfig context, or the local
    /// cluster's own name.
    static func resourceID(of compute: ComputeTarget, identity: AzureWorkspaceIdentity) -> String {
        let cluster = compute.kubernetes?.context ?? compute.name
        return "/subscriptions/\(identity.subscriptionId)/resourceGroups/\(identity.resourceGroup)"
            + "/providers/Microsoft.ContainerService/managedClusters/\(cluster)"
    }

    /// Azure's async-operation status document for a Berth operation.
    static func asyncOperation(_ operation: BerthCore.Operation) -> JSONValue {
        let status: String =
            switch operation.state {
            case .succeeded: "Succeeded"
            case .failed, .timedOut: "Failed"
            case .cancelled: "Canceled"
            case .notStarted, .running: "InProgress"
            }
        var document: [String: JSONValue] = [
            "id": .string(operation.id), "name": .string(operation.id), "status": .string(status),
            "startTime": .string(BerthJSON.text(of: operation.createdTime)),
        ]
        document.merge(AzureOperationPayload.outcome(of: operation)) { _, new in new }
        return .object(document)
    }
}
