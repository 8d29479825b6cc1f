"""The container image and deploy/kubernetes/ run with podman: conversation, replica kill, edge.

Builds (or reuses: scripts/image.sh compares a content hash) the local base and the project
image, plays the manifests with `podman kube play --network host` (tests/deploy/kube_play.py
says what the played variant changes, and why), waits for the pods and talks to them through
the nginx edge only. PostgreSQL and Redis run on the host (scripts/services/). Everything is
torn down after (`podman kube down`). Skipped only where podman cannot run at all.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator

import httpx
import pytest

from tests.deploy.kube_play import Ports, image_of, play_yaml
from tests.reliability import helpers
from tests.reliability.helpers import CHANGE_TO, new_sender, texts
from tests.telegram.fake_bot_api import FakeBotApi
from tools.servers import free_ports

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS_CONF = ROOT / "deploy" / "podman" / "containers.conf"
ENV = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
TIMINGS: Dict[str, float] = {}


def podman(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], env=ENV, capture_output=True, text=True, timeout=timeout, check=check)


def podman_usable() -> str:
    """Why podman cannot run here ('' when it can)."""
    packages = subprocess.run([str(ROOT / "scripts" / "container-packages.sh")], capture_output=True, text=True)
    if packages.returncode != 0:
        return f"podman is not installed and cannot be installed here: {packages.stderr.strip()}"
    try:
        info = podman("info", check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"podman does not run here: {error}"
    if info.returncode != 0:
        return f"podman does not run here: {info.stderr.strip()[-400:]}"
    return ""


class Played:
    def __init__(self, ports: Ports, tls_dir: Path, token: str, fake_api: FakeBotApi, telegram_token: str) -> None:
        self.ports, self.tls_dir, self.token, self.fake_api = ports, tls_dir, token, fake_api
        self.telegram_token = telegram_token
        self.edge = f"https://127.0.0.1:{ports.edge}"
        self.replicas = {"a": f"http://127.0.0.1:{ports.rasa_a}", "b": f"http://127.0.0.1:{ports.rasa_b}"}

    def client(self) -> httpx.Client:
        return httpx.Client(verify=str(self.tls_dir / "edge.crt"), timeout=60)

    def say(self, client: httpx.Client, sender: str, text: str, metadata: Dict = None) -> httpx.Response:
        body = {"sender": sender, "message": text, "metadata": metadata or {"channel": "web"}}
        return client.post(f"{self.edge}/webhooks/rest/webhook", json=body, headers={"X-Sender": sender})

    def tracker(self, client: httpx.Client, replica: str, sender: str) -> Dict:
        response = client.get(
            f"{self.replicas[replica]}/conversations/{sender}/tracker", headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 200, response.text
        return response.json()


def _wait(url: str, timeout: float, verify=True, ok=lambda r: r.status_code == 200) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=5, verify=verify)
            if ok(response):
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(2)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s ({last})")


def _logs(play: Path) -> str:
    pods = podman("ps", "-a", "--format", "{{.Names}} {{.Status}}", check=False).stdout
    out = [pods]
    for line in pods.splitlines():
        name = line.split()[0]
        if name.endswith("-infra"):
            continue
        out.append(f"--- {name}\n" + podman("logs", "--tail", "15", name, check=False).stderr[-1500:])
    return "\n".join(out)


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Iterator[Played]:
    reason = podman_usable()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("kube")
    start = time.monotonic()
    built = subprocess.run([str(ROOT / "scripts" / "image.sh")], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=3600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    TIMINGS["image"] = time.monotonic() - start
    info = dict(line.split("=", 1) for line in built.stdout.splitlines() if "=" in line and line.isascii())
    print(f"\nimage: {info.get('IMAGE')} {int(info.get('SIZE', 0)) / 1e6:.0f} MB, ready in {TIMINGS['image']:.0f} s")

    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-sha256",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-keyout",
            str(tmp / "edge.key"),
            "-out",
            str(tmp / "edge.crt"),
        ],
        check=True,
        capture_output=True,
    )
    token = secrets.token_hex(16)
    telegram_token = f"123456:{secrets.token_hex(12)}"
    fake_api = FakeBotApi(telegram_token).start()
    with helpers.postgres() as tracker_url, helpers.redis(tmp / "redis") as redis:
        edge, rasa_a, rasa_b, actions, telegram = free_ports(5)  # every pod on the host network: five different ports
        ports = Ports(edge=edge, rasa_a=rasa_a, rasa_b=rasa_b, actions=actions, telegram=telegram, redis=redis.port)
        play = tmp / "play.yaml"
        play.write_text(
            play_yaml(
                ports,
                secrets={
                    "RASA_TOKEN": token,
                    "ACTION_SERVER_TOKEN": secrets.token_hex(16),
                    "PSEUDONYM_KEY": secrets.token_hex(16),
                    "REDIS_PASSWORD": "",
                    "POSTGRES_PASSWORD": "unused",
                    "TELEGRAM_BOT_TOKEN": telegram_token,
                },
                tls_cert=(tmp / "edge.crt").read_text(),
                tls_key=(tmp / "edge.key").read_text(),
                tracker_url=tracker_url,
                telegram_api=fake_api.base_url,
                edge_image="localhost/valkommen-edge:dev",
                app_image=image_of("valkommen"),
            ),
            encoding="utf-8",
        )
        podman("kube", "down", str(play), check=False)
        left = podman("pod", "ps", "--filter", "name=valkommen", "--format", "{{.Name}}", check=False).stdout.split()
        if left:  # pods of an earlier run that ended without its teardown
            podman("pod", "rm", "--force", *left, check=False)
        start = time.monotonic()
        result = podman("kube", "play", "--network", "host", str(play), check=False)
        try:
            assert result.returncode == 0, result.stderr
            running = Played(ports, tmp, token, fake_api, telegram_token)
            try:
                for url in running.replicas.values():
                    _wait(f"{url}/", 300)
                _wait(f"http://127.0.0.1:{ports.actions}/health", 60)
                _wait(f"{running.edge}/health", 60, verify=str(tmp / "edge.crt"))
            except TimeoutError as error:
                pytest.fail(f"{error}\n{_logs(play)}")
            TIMINGS["pods ready"] = time.monotonic() - start
            print(f"pods ready in {TIMINGS['pods ready']:.0f} s")
            yield running
        finally:
            podman("kube", "down", str(play), check=False)
            fake_api.stop()


def test_the_pods_run_as_written(played):
    """Non-root, read-only root filesystem, no privilege escalation, capabilities dropped."""
    names = podman("ps", "--format", "{{.Names}}").stdout.split()
    rasa = next(name for name in names if name.startswith("valkommen-rasa-a") and name.endswith("-rasa"))
    state = podman(
        "inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.EffectiveCaps}}", rasa
    ).stdout.split(" ", 2)
    assert state[0].startswith("10001"), state
    assert state[1] == "true", state
    assert state[2].strip() in ("[]", "<no value>", ""), state
    assert any(name.startswith("valkommen-edge") for name in names)
    assert any(name.startswith("valkommen-telegram") for name in names)


def test_a_conversation_through_the_edge(played, catalogue):
    with played.client() as client:
        sender = new_sender()
        assert texts(played.say(client, sender, "Hej")), "the greeting was not answered"
        arabic = texts(played.say(client, sender, "كيف أسجل ابني في المدرسة؟"))
        assert catalogue.answer("school", "ar").text in arabic, arabic
        place = played.say(client, sender, '/meeting_place{"district":"hulta"}', {"channel": "web", "language": "ar"})
        assert place.status_code == 200, place.text
        assert place.json()[1]["custom"]["venue"]["id"] == "hulta"
        state = played.tracker(client, "a", sender)
        assert len([e for e in state["events"] if e.get("event") == "user"]) == 3


def test_killing_a_rasa_replica_mid_conversation(played, catalogue):
    """The edge moves the conversations of a killed replica to the other one; language and
    context come from PostgreSQL."""
    with played.client() as client:
        senders = [new_sender() for _ in range(5)]
        for sender in senders:
            assert texts(played.say(client, sender, CHANGE_TO.format("uk")))[0] == catalogue.interface("language_set", "uk")
        names = podman("ps", "--format", "{{.Names}}").stdout.split()
        victim = next(name for name in names if name.startswith("valkommen-rasa-a") and name.endswith("-rasa"))
        start = time.monotonic()
        podman("kill", victim)
        for sender in senders:
            answer = texts(played.say(client, sender, "/school"))
            assert answer[0] == catalogue.answer("school", "uk").text, answer
            state = played.tracker(client, "b", sender)
            assert state["slots"]["chosen_language"] == "uk"
            user = [e.get("text") for e in state["events"] if e.get("event") == "user"]
            assert user == [CHANGE_TO.format("uk"), "/school"], user
        TIMINGS["conversations after kill"] = time.monotonic() - start


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/conversations/x/tracker"),
        ("PUT", "/model"),
        ("POST", "/model/parse"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("POST", "/conversations/x/tracker/events"),
        ("GET", "/"),
        ("DELETE", "/privacy/x"),
        ("GET", "/webhooks/rest/webhook"),
        ("GET", "/health/../status"),
    ],
)
def test_admin_routes_are_refused_at_the_edge(played, method, path):
    with played.client() as client:
        response = client.request(
            method,
            f"{played.edge}{path}",
            headers={"Authorization": f"Bearer {played.token}"},
            json={"text": "hej"} if method in ("POST", "PUT") else None,
        )
    assert response.status_code in (403, 404), (method, path, response.status_code)
    assert "Rasa" not in response.text and "version" not in response.text.lower()


def test_the_telegram_front_end_answers_through_the_edge(played):
    """Telegram's webhook call reaches the front end pod through the edge; it answers via the Bot API."""
    played.fake_api.wait_for(lambda: played.fake_api.calls_of("setWebhook"), timeout=60)
    secret = hashlib.sha256(f"webhook:{played.telegram_token}".encode()).hexdigest()[:48]
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": "Hej",
            "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "T", "language_code": "sv"},
        },
    }
    with played.client() as client:
        refused = client.post(f"{played.edge}/telegram", json=update)
        assert refused.status_code == 403
        accepted = client.post(f"{played.edge}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        assert accepted.status_code == 200, accepted.text
    played.fake_api.wait_for(lambda: played.fake_api.calls_of("sendMessage", chat_id=4242), timeout=60)
