"""deploy/kubernetes/ turned into one YAML file that `podman kube play --network host` runs here.

podman runs Pods, Deployments, ConfigMaps and Secrets but no Services, NetworkPolicies,
CronJobs or PodDisruptionBudgets (those are checked statically by test_manifests.py), and with
the host network two pods cannot listen on one port. So, and only so, the played variant differs:

- every Deployment runs one pod; the Rasa Deployment becomes two (valkommen-rasa-a, -b), each
  on its own loopback port; the service names in the config become 127.0.0.1:<port>;
- PostgreSQL and Redis run on the host (scripts/services/, Debian's packages: no registry here),
  as a city's managed stores would, outside the pods;
- the edge runs the project's `edge` build stage (Debian's nginx, no registry for the official
  nginx image) with the same template rules, upstreams on loopback instead of DNS `resolve`;
- the Secrets get throw-away test values; the Telegram front end talks to a fake Bot API;
- probes are left to the test (podman 4.3 turns httpGet probes into curl health checks, and the
  image has no curl); securityContext, read-only root, non-root users, emptyDirs, commands,
  environment and secret references are played as written.
"""

from __future__ import annotations

import base64
import copy
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import yaml

from tests.deploy.edge_conf import CLUSTER, render

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
NOT_PLAYED = {"Namespace", "Service", "NetworkPolicy", "PodDisruptionBudget", "CronJob", "StatefulSet"}
STORES = {"valkommen-postgres", "valkommen-redis"}


def manifests() -> List[Dict[str, Any]]:
    """Every object of the kustomization, in its resource order."""
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text(encoding="utf-8"))
    objects: List[Dict[str, Any]] = []
    for resource in kustomization["resources"]:
        objects += [doc for doc in yaml.safe_load_all((MANIFESTS / resource).read_text(encoding="utf-8")) if doc]
    return objects


def image_of(kustomization_name: str) -> str:
    """The image a manifest's ``image: valkommen`` becomes (kustomization.yaml's images)."""
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text(encoding="utf-8"))
    for entry in kustomization.get("images", []):
        if entry["name"] == kustomization_name:
            return f"{entry.get('newName', kustomization_name)}:{entry.get('newTag', 'latest')}"
    return kustomization_name


@dataclass
class Ports:
    edge: int
    rasa_a: int
    rasa_b: int
    actions: int
    telegram: int
    redis: int


def _secret(name: str, values: Dict[str, str], kind: str = "Opaque") -> Dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name},
        "type": kind,
        "data": {key: base64.b64encode(value.encode()).decode() for key, value in values.items()},
    }


def _set_port(command: List[str], port: int) -> List[str]:
    out = list(command)
    index = out.index("--port")
    out[index + 1] = str(port)
    return out


def _pod_spec(deployment: Dict[str, Any]) -> Dict[str, Any]:
    return deployment["spec"]["template"]["spec"]


def play_yaml(
    ports: Ports,
    secrets: Dict[str, str],
    tls_cert: str,
    tls_key: str,
    tracker_url: str,
    telegram_api: str,
    edge_image: str,
    app_image: str,
) -> str:
    """The played variant (see the module's docstring)."""
    out: List[Dict[str, Any]] = []
    for obj in manifests():
        kind, name = obj["kind"], obj["metadata"]["name"]
        if kind in NOT_PLAYED or name in STORES:
            continue
        obj = copy.deepcopy(obj)
        if kind == "ConfigMap" and name == "valkommen-config":
            obj["data"].update(
                {
                    "BIND_HOST": "127.0.0.1",  # host network: every pod on loopback
                    "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports.actions}/webhook",
                    "REDIS_HOST": "127.0.0.1",
                    "REDIS_PORT": str(ports.redis),
                    "RASA_URL": f"http://127.0.0.1:{ports.rasa_a}",
                    "TELEGRAM_WEBHOOK_URL": f"https://127.0.0.1:{ports.edge}/telegram",
                    "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                    "TELEGRAM_WEBHOOK_PORT": str(ports.telegram),
                    "TELEGRAM_API_URL": telegram_api,
                }
            )
        elif kind == "ConfigMap" and name == "valkommen-edge":
            values = {**CLUSTER, "LISTEN": f"127.0.0.1:{ports.edge}"}
            upstream = "\n".join(
                f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in (ports.rasa_a, ports.rasa_b)
            )
            obj["data"]["nginx.conf"] = render(values, upstream, f"    server 127.0.0.1:{ports.telegram};")
        if kind == "Deployment" and name == "valkommen-edge":
            # podman 4.3 crashes on a volume from a secret: the certificate comes from a host folder.
            tls_dir = Path(tempfile.mkdtemp(prefix="valkommen-edge-tls-"))
            for file_name, text in (("tls.crt", tls_cert), ("tls.key", tls_key)):
                (tls_dir / file_name).write_text(text, encoding="utf-8")
                (tls_dir / file_name).chmod(0o644)  # a throw-away test key, read by the non-root edge
            tls_dir.chmod(0o755)
            for volume in _pod_spec(obj)["volumes"]:
                if volume["name"] == "tls":
                    volume.pop("secret", None)
                    volume["hostPath"] = {"path": str(tls_dir), "type": "Directory"}
        if kind == "Deployment":
            obj["spec"]["replicas"] = 1
            for container in _pod_spec(obj)["containers"]:
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    container.pop(probe, None)
                container.pop("ports", None)
                if container["image"] == "valkommen":
                    container["image"] = app_image
                elif "nginx" in container["image"]:
                    container["image"] = edge_image
            if name == "valkommen-actions":
                container = _pod_spec(obj)["containers"][0]
                container["command"] = _set_port(container["command"], ports.actions)
            if name == "valkommen-rasa":
                for suffix, port in (("a", ports.rasa_a), ("b", ports.rasa_b)):
                    replica = copy.deepcopy(obj)
                    replica["metadata"]["name"] = f"valkommen-rasa-{suffix}"
                    container = _pod_spec(replica)["containers"][0]
                    container["command"] = _set_port(container["command"], port)
                    out.append(replica)
                continue
        out.append(obj)
    create_podman_secret(_secret("valkommen-secrets", {**secrets, "TRACKER_STORE_URL": tracker_url}))
    return yaml.safe_dump_all(out, sort_keys=False, allow_unicode=True)


def create_podman_secret(secret: Dict[str, Any]) -> None:
    """Stores a Kubernetes Secret as the podman secret ``kube play`` reads.

    podman 4.3 (Debian bookworm) keeps a Secret given in the played YAML as YAML text but reads it
    back as a JSON object of base64 values ("secret ... is not valid JSON"); a podman secret
    created beforehand as the JSON of the Secret's ``data`` is read correctly. So the Secrets are
    created here and left out of the played YAML.
    """
    import json
    import os
    import subprocess

    env = {**os.environ, "CONTAINERS_CONF": str(Path(__file__).resolve().parents[2] / "deploy" / "podman" / "containers.conf")}
    name = secret["metadata"]["name"]
    subprocess.run(["podman", "secret", "rm", name], capture_output=True, check=False, env=env)
    subprocess.run(
        ["podman", "secret", "create", name, "-"],
        input=json.dumps(secret["data"]).encode(),
        capture_output=True,
        check=True,
        env=env,
    )
