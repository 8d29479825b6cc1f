"""Static checks of deploy/kubernetes/: what podman does not enforce when it plays them
(NetworkPolicies, Services) and what a cluster must get right (securityContext, probes, limits,
secrets only by reference). No podman needed."""

from __future__ import annotations

import re
from typing import Any, Dict, List

import pytest
import yaml

from tests.deploy.edge_conf import EDGE_CONFIG, ROOT, cluster_config_map
from tests.deploy.kube_play import MANIFESTS, manifests

SECRET_KEYS = {
    "RASA_TOKEN",
    "ACTION_SERVER_TOKEN",
    "TRACKER_STORE_URL",
    "REDIS_PASSWORD",
    "PSEUDONYM_KEY",
    "TELEGRAM_BOT_TOKEN",
    "POSTGRES_PASSWORD",
}


def workloads() -> List[Dict[str, Any]]:
    return [obj for obj in manifests() if obj["kind"] in ("Deployment", "StatefulSet", "CronJob")]


def pod_spec(obj: Dict[str, Any]) -> Dict[str, Any]:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def by_name(kind: str, name: str) -> Dict[str, Any]:
    return next(obj for obj in manifests() if obj["kind"] == kind and obj["metadata"]["name"] == name)


@pytest.mark.parametrize("obj", workloads(), ids=lambda obj: obj["metadata"]["name"])
def test_every_container_is_locked_down(obj):
    spec = pod_spec(obj)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert spec.get("automountServiceAccountToken") is False
    for container in spec["containers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"]["drop"] == ["ALL"]
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert {"cpu", "memory"} <= set(container["resources"]["limits"])


@pytest.mark.parametrize("obj", [o for o in workloads() if o["kind"] != "CronJob"], ids=lambda o: o["metadata"]["name"])
def test_long_running_containers_have_probes(obj):
    for container in pod_spec(obj)["containers"]:
        assert "readinessProbe" in container and "livenessProbe" in container, container["name"]


def test_rasa_runs_two_replicas_on_the_scaleout_endpoints_with_room_for_the_model():
    rasa = by_name("Deployment", "valkommen-rasa")
    assert rasa["spec"]["replicas"] == 2
    container = pod_spec(rasa)["containers"][0]
    command = container["command"]
    assert command[:4] == ["python", "-m", "valkommen.server.rasa_server", "run"]
    assert command[command.index("--endpoints") + 1] == "deploy/endpoints.scaleout.yml"
    assert container["readinessProbe"]["httpGet"]["path"] == "/"
    assert container["resources"]["requests"]["memory"] == "1300Mi"
    config = by_name("ConfigMap", "valkommen-config")["data"]
    assert config["BIND_HOST"] == "0.0.0.0" and config["TRACKER_DIALECT"] == "postgresql"
    assert by_name("Deployment", "valkommen-telegram")["spec"]["replicas"] == 1
    assert by_name("CronJob", "valkommen-retention")["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0][
        "command"
    ][:3] == ["python", "-m", "valkommen.server.retention"]


def test_secrets_are_only_referenced():
    text = "\n".join(
        (MANIFESTS / name).read_text(encoding="utf-8")
        for name in yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"]
    )
    assert not any(obj["kind"] == "Secret" for obj in manifests())
    for key in SECRET_KEYS:
        assert not re.search(rf"^\s*{key}\s*:", text, re.MULTILINE), f"{key} has a literal value"
    for obj in workloads():
        for container in pod_spec(obj)["containers"]:
            for variable in container.get("env", []):
                if variable["name"] in SECRET_KEYS:
                    assert variable["valueFrom"]["secretKeyRef"]["name"] == "valkommen-secrets"
    assert "postgresql://valkommen:CHANGE-ME@" in (MANIFESTS / "secret.example.yaml").read_text()


def policy(name: str) -> Dict[str, Any]:
    return by_name("NetworkPolicy", name)


def sources(name: str) -> List[str]:
    return [
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for rule in policy(name)["spec"].get("ingress", [])
        for peer in rule.get("from", [])
    ]


def test_network_policies_deny_by_default_and_open_only_the_edge():
    default = policy("default-deny")["spec"]
    assert default["podSelector"] == {} and set(default["policyTypes"]) == {"Ingress", "Egress"}
    assert all("from" not in rule for rule in policy("edge")["spec"]["ingress"])  # the internet
    for name in ("rasa", "actions", "telegram", "postgres", "redis"):
        assert all("from" in rule for rule in policy(name)["spec"]["ingress"]), name
    assert sources("actions") == ["valkommen-rasa"]
    assert sources("redis") == ["valkommen-rasa"]
    assert sources("postgres") == ["valkommen-rasa", "valkommen-retention"]
    assert sources("rasa") == ["valkommen-edge", "valkommen-telegram"]
    assert sources("telegram") == ["valkommen-edge"]
    services = [obj for obj in manifests() if obj["kind"] == "Service"]
    exposed = [s["metadata"]["name"] for s in services if s["spec"].get("type") in ("LoadBalancer", "NodePort")]
    assert exposed == ["valkommen-edge"]


def test_the_edge_config_is_the_template_rendered():
    assert EDGE_CONFIG.read_text(encoding="utf-8") == cluster_config_map(), (
        "deploy/kubernetes/edge-config.yaml is out of date: python -m tests.deploy.edge_conf"
    )
    conf = yaml.safe_load(EDGE_CONFIG.read_text(encoding="utf-8"))["data"]["nginx.conf"]
    locations = re.findall(r"location (=?\s*\S+) \{", conf)
    assert locations == ["/", "= /webhooks/rest/webhook", "= /privacy/erase", "= /health", "= /telegram"]


def test_the_helm_values_that_did_not_work_are_gone():
    assert not (ROOT / "deploy" / "helm" / "rasa-values.yml").exists()


def test_the_image_has_no_test_tools_and_runs_as_a_user():
    containerfile = (ROOT / "Containerfile").read_text(encoding="utf-8")
    assert "ARG BASE=docker.io/library/python:3.10-slim" in containerfile
    final = containerfile.rsplit("\nFROM ", 1)[1]
    assert "USER 10001" in final and "COPY --from=build /opt/venv" in final
    assert "pytest|" in containerfile and "playwright" in containerfile
    assert "gcc" not in final and "build-essential" not in final
