import BerthCore
import Foundation

/// The server-side `Table` a real API server answers when a client asks for one
/// (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`, as `kubectl get` does): the columns
/// kubectl prints (READY, UP-TO-DATE, STATUS, CLUSTER-IP, PORT(S), …) for the kinds Berth makes
/// most, NAME and AGE for the rest.
///
/// UNFINISHED: other kinds' columns (a Secret's TYPE and DATA, …) and Tables in watch streams
/// (`kubectl get -w`) are not served.
enum DoubleTable {
    /// Whether the request's `Accept` asks for a Table.
    static func isWanted(accept: String?) -> Bool {
        (accept ?? "").split(separator: ",").first.map { $0.contains("as=Table") } == true
    }

    struct Column {
        var name: String
        var type: String
        var priority: Int = 0
        var cell: (JSONValue, Date) -> JSONValue
    }

    static func table(_ kind: DoubleKind, items: [JSONValue], resourceVersion: Int, now: Date = Date()) -> JSONValue {
        let columns = self.columns(kind)
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": ["resourceVersion": .string(String(resourceVersion))],
            "columnDefinitions": .array(
                columns.map { column in
                    [
                        "name": .string(column.name), "type": .string(column.type),
                        "format": column.name == "Name" ? "name" : "", "description": "",
                        "priority": .number(Double(column.priority)),
                    ]
                }),
            "rows": .array(
                items.map { item in
                    [
                        "cells": .array(columns.map { $0.cell(item, now) }),
                        "object": [
                            "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                            "metadata": item["metadata"] ?? [:],
                        ],
                    ]
                }),
        ]
    }

    private static func columns(_ kind: DoubleKind) -> [Column] {
        let name = Column(name: "Name", type: "string") { item, _ in item["metadata"]?["name"] ?? "" }
        let age = Column(name: "Age", type: "string") { item, now in .string(self.age(of: item, now: now)) }
        func number(_ title: String, _ path: String...) -> Column {
            Column(name: title, type: "integer") { item, _ in
                var value: JSONValue? = item
                for key in path { value = value?[key] }
                return .number(value?.numberValue ?? 0)
            }
        }
        switch kind.kind {
        case "Deployment":
            let ready = Column(name: "Ready", type: "string") { item, _ in
                let ready = Int(item["status"]?["readyReplicas"]?.numberValue ?? 0)
                return .string("\(ready)/\(Int(item["spec"]?["replicas"]?.numberValue ?? 1))")
            }
            return [
                name, ready, number("Up-to-date", "status", "updatedReplicas"),
                number("Available", "status", "availableReplicas"), age,
            ]
        case "ReplicaSet":
            return [
                name, number("Desired", "spec", "replicas"), number("Current", "status", "replicas"),
                number("Ready", "status", "readyReplicas"), age,
            ]
        case "Pod":
            let statuses: (JSONValue) -> [JSONValue] = { $0["status"]?["containerStatuses"]?.arrayValue ?? [] }
            let ready = Column(name: "Ready", type: "string") { item, _ in
                let total = item["spec"]?["containers"]?.arrayValue?.count ?? 0
                return .string("\(statuses(item).filter { $0["ready"] == true }.count)/\(total)")
            }
            let status = Column(name: "Status", type: "string") { item, _ in
                if item["metadata"]?["deletionTimestamp"] != nil { return "Terminating" }
                let waiting = statuses(item).compactMap { $0["state"]?["waiting"]?["reason"]?.stringValue }.first
                return .string(waiting ?? item["status"]?["phase"]?.stringValue ?? "Pending")
            }
            let restarts = Column(name: "Restarts", type: "string") { item, _ in
                .string(String(statuses(item).reduce(0) { $0 + Int($1["restartCount"]?.numberValue ?? 0) }))
            }
            let ip = Column(name: "IP", type: "string", priority: 1) { item, _ in
                item["status"]?["podIP"] ?? "<none>"
            }
            let node = Column(name: "Node", type: "string", priority: 1) { item, _ in
                item["spec"]?["nodeName"] ?? "<none>"
            }
            return [name, ready, status, restarts, age, ip, node]
        case "Service":
            let type = Column(name: "Type", type: "string") { item, _ in item["spec"]?["type"] ?? "ClusterIP" }
            let clusterIP = Column(name: "Cluster-IP", type: "string") { item, _ in
                item["spec"]?["clusterIP"] ?? "<none>"
            }
            let external = Column(name: "External-IP", type: "string") { item, _ in
                let ingress = item["status"]?["loadBalancer"]?["ingress"]?.arrayValue ?? []
                let addresses = ingress.compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
                if !addresses.isEmpty { return .string(addresses.joined(separator: ",")) }
                return item["spec"]?["type"] == "LoadBalancer" ? "<pending>" : "<none>"
            }
            let ports = Column(name: "Port(s)", type: "string") { item, _ in
                let ports = (item["spec"]?["ports"]?.arrayValue ?? []).map { port -> String in
                    let number = Int(port["port"]?.numberValue ?? 0)
                    let node = port["nodePort"]?.numberValue.map { ":\(Int($0))" } ?? ""
                    return "\(number)\(node)/\(port["protocol"]?.stringValue ?? "TCP")"
                }
                return .string(ports.isEmpty ? "<none>" : ports.joined(separator: ","))
            }
            return [name, type, clusterIP, external, ports, age]
        default:
            return [name, age]
        }
    }

    /// `45s`, `12m`, `3h`, `2d`, as kubectl's AGE column reads.
    static func age(of item: JSONValue, now: Date) -> String {
        guard let text = item["metadata"]?["creationTimestamp"]?.stringValue,
            let created = ISO8601DateFormatter().date(from: text)
        else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince(created)))
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<(120 * 60): return "\(seconds / 60)m"
        case ..<(48 * 3600): return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }
}
