"""Reads back, with the official ``kubernetes`` Python client, what Berth made for one service.

``python python_client_read_back.py KUBECONFIG NAMESPACE SERVICE`` prints one JSON object that
says what the client decoded (each typed model: a field the client cannot decode fails here);
``KubernetesClientReadBackTests`` checks it against what Berth intended.
"""

import json
import sys

from kubernetes import client, config


def main(kubeconfig, namespace, service):
    config.load_kube_config(config_file=kubeconfig)
    core, apps = client.CoreV1Api(), client.AppsV1Api()
    rbac, networking = client.RbacAuthorizationV1Api(), client.NetworkingV1Api()
    name = f"berth-{service}"
    deployment = apps.read_namespaced_deployment(name, namespace)
    selector = ",".join(f"{k}={v}" for k, v in sorted(deployment.spec.selector.match_labels.items()))
    pods = core.list_namespaced_pod(namespace, label_selector=selector).items
    svc = core.read_namespaced_service(name, namespace)
    secret = core.read_namespaced_secret(name, namespace)
    policy = networking.read_namespaced_network_policy(name, namespace)
    log = core.read_namespaced_pod_log(pods[0].metadata.name, namespace, container="replica") if pods else ""
    managed = "app.kubernetes.io/managed-by=berth"
    report = {
        "deployment": {
            "replicas": deployment.spec.replicas,
            "image": deployment.spec.template.spec.containers[0].image,
            "command": deployment.spec.template.spec.containers[0].command,
            "readyReplicas": deployment.status.ready_replicas,
            "observedGeneration": deployment.status.observed_generation,
            "created": deployment.metadata.creation_timestamp.isoformat(),
        },
        "pods": [
            {"name": p.metadata.name, "phase": p.status.phase,
             "ready": any(c.type == "Ready" and c.status == "True" for c in (p.status.conditions or [])),
             "owner": p.metadata.owner_references[0].kind if p.metadata.owner_references else None}
            for p in pods
        ],
        "service": {"type": svc.spec.type, "clusterIP": svc.spec.cluster_ip,
                    "ports": [p.port for p in svc.spec.ports], "selector": svc.spec.selector},
        "secretKeys": sorted((secret.data or {}).keys()),
        "networkPolicyPods": policy.spec.pod_selector.match_labels,
        "logHasInit": "init() succeeded" in log,
        "routerDeployments": [d.metadata.name for d in
                              apps.list_namespaced_deployment("berth-system", label_selector=managed).items],
        "roles": [r.metadata.name for r in rbac.list_namespaced_role(namespace, label_selector=managed).items],
        "roleBindings": [r.role_ref.name for r in
                         rbac.list_namespaced_role_binding(namespace, label_selector=managed).items],
        "namespaces": sorted(n.metadata.name for n in core.list_namespace().items),
        "nodes": [n.status.allocatable["cpu"] for n in core.list_node().items],
    }
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:4])
