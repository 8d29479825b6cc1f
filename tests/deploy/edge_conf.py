"""The edge's nginx.conf from deploy/nginx-rasa.conf.template, as scripts/services/balancer.sh fills it.

Used twice: ``python -m tests.deploy.edge_conf`` writes deploy/kubernetes/edge-config.yaml (the
cluster's edge, checked in; tests/deploy/test_manifests.py checks it is up to date), and
tests/deploy/kube_play.py renders the loopback variant podman plays. So both run the template's
public-route rules, never a copy of them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx-rasa.conf.template"
EDGE_CONFIG = ROOT / "deploy" / "kubernetes" / "edge-config.yaml"

#: The cluster's values: nginx-unprivileged (>= 1.27.3: `resolve` in an open-source upstream)
#: listening on 8443, the TLS Secret mounted at /etc/nginx/tls, temp files under /tmp (emptyDir),
#: the replicas found through the headless Service (re-resolved every 10 s by kube-dns).
CLUSTER = {
    "LISTEN": "8443",
    "CERT": "/etc/nginx/tls/tls.crt",
    "KEY": "/etc/nginx/tls/tls.key",
    "PREFIX": "/tmp",
    "RATE": "5r/s",
    "BURST": "30",
    "CONN": "20",
    "MAX_BODY": "128k",
    "CLIENT_TIMEOUT": "10s",
    "TELEGRAM_PATH": "/telegram",
}
CLUSTER_UPSTREAM = (
    "    zone rasa_replicas 64k;\n"
    "    server valkommen-rasa-pods.valkommen.svc.cluster.local:5005 resolve max_fails=1 fail_timeout=10s;"
)
CLUSTER_TELEGRAM = "    server valkommen-telegram:8443;"
CLUSTER_RESOLVER = "  resolver kube-dns.kube-system.svc.cluster.local valid=10s ipv6=off;\n"


def render(
    values: Dict[str, str], upstream: str, telegram: Optional[str], resolver: str = "", template: Optional[str] = None
) -> str:
    """The template with its placeholders filled; the #telegram# block kept when ``telegram``."""
    text = template if template is not None else TEMPLATE.read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("#telegram# "):
            if telegram is None:
                continue
            line = line[len("#telegram# ") :]
        elif line.startswith("#internal# "):
            continue
        lines.append(line)
    text = "\n".join(lines) + "\n"
    # In a container: nginx in the foreground, its log on stderr (the pod's log).
    text = text.replace("daemon on;", "daemon off;")
    text = text.replace("error_log @PREFIX@/error.log warn;", "error_log stderr warn;")
    text = text.replace("@EXTRA@\n", "")
    text = text.replace("http {\n", "http {\n" + resolver, 1)
    text = text.replace("@UPSTREAM_SERVERS@", upstream)
    text = text.replace("@TELEGRAM_UPSTREAM@", telegram or "")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = [name for line in text.splitlines() if not line.lstrip().startswith("#") for name in re.findall(r"@[A-Z_]+@", line)]
    if left:
        raise ValueError(f"unfilled placeholders: {sorted(set(left))}")
    return text


def cluster_config_map() -> str:
    """deploy/kubernetes/edge-config.yaml."""
    conf = render(CLUSTER, CLUSTER_UPSTREAM, CLUSTER_TELEGRAM, CLUSTER_RESOLVER)
    body = "".join(f"    {line}\n" if line else "\n" for line in conf.splitlines())
    return (
        "# Generated from deploy/nginx-rasa.conf.template by `python -m tests.deploy.edge_conf`: do not edit\n"
        "# (edit the template; tests/deploy/test_manifests.py fails when this file is out of date).\n"
        "# The edge: only POST /webhooks/rest/webhook, POST /privacy/erase, GET /health and the Telegram webhook; all else 404.\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: valkommen-edge\n"
        "data:\n"
        "  nginx.conf: |\n" + body
    )


def main(argv: Sequence[str]) -> int:
    EDGE_CONFIG.write_text(cluster_config_map(), encoding="utf-8")
    print(f"wrote {EDGE_CONFIG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
