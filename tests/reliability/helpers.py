"""Starting the real services of the reliability tests on loopback, with the project's scripts."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import httpx

from tools import servers
from tools.servers import AUTH, ROOT, check_model, free_port
from valkommen.server.wait_ready import actions_ready, rasa_ready

SERVICES = ROOT / "scripts" / "services"
SCALEOUT_ENDPOINTS = "deploy/endpoints.scaleout.yml"
CHANGE_TO = '/change_language{{"language":"{}"}}'


def script(name: str, *args: str, env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Runs ``scripts/services/<name>.sh`` (with ``env`` added to the environment) and returns its
    ``KEY=value`` output lines."""
    done = subprocess.run(
        ["bash", str(SERVICES / f"{name}.sh"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name}.sh {' '.join(args)} failed: {done.stderr.strip()}")
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


@contextmanager
def postgres() -> Iterator[str]:
    """A throw-away PostgreSQL on loopback; yields its URL."""
    started = script("postgres", "start", str(free_port()))
    try:
        yield started["URL"]
    finally:
        script("postgres", "stop", started["DATA_DIR"])
        shutil.rmtree(started["DATA_DIR"], ignore_errors=True)


@dataclass
class Redis:
    """A running Redis server."""

    port: int
    directory: Path

    def info(self, section: str) -> Dict[str, str]:
        """``INFO <section>`` as a dict."""
        out = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "info", section], capture_output=True, text=True
        ).stdout
        return dict(line.strip().split(":", 1) for line in out.splitlines() if ":" in line)


@contextmanager
def redis(directory: Path) -> Iterator[Redis]:
    """A throw-away Redis on loopback."""
    port = free_port()
    script("redis", "start", str(port), str(directory))
    try:
        yield Redis(port, directory)
    finally:
        script("redis", "stop", str(directory))


@dataclass
class Edge:
    """The public edge (nginx, deploy/nginx-rasa.conf.template) as balancer.sh started it."""

    url: str  # https://127.0.0.1:PORT
    cert: Path  # the self-signed certificate to trust
    rate_per_second: float  # sustained requests per client address
    burst: int  # requests above the rate served at once before 429
    internal_url: Optional[str] = None  # the internal plain-HTTP listener, when asked for

    def tls(self) -> ssl.SSLContext:
        """A client TLS context that trusts only the edge's certificate."""
        return ssl.create_default_context(cafile=str(self.cert))


def _per_second(rate: str) -> float:
    """nginx's ``5r/s`` or ``300r/m`` as requests per second."""
    number, unit = rate.split("r/")
    return float(number) / (60.0 if unit == "m" else 1.0)


@contextmanager
def balancer(directory: Path, replicas: List[str], settings: Optional[Dict[str, str]] = None) -> Iterator[Edge]:
    """nginx on loopback in front of ``replicas`` (host:port), TLS with a generated certificate;
    ``settings``: balancer.sh's BALANCER_* variables. Yields the edge."""
    started = script("balancer", "start", str(free_port()), str(directory), *replicas, env=settings)
    try:
        yield Edge(
            started["URL"],
            Path(started["CERT"]),
            _per_second(started["RATE"]),
            int(started["BURST"]),
            started.get("INTERNAL_URL"),
        )
    finally:
        script("balancer", "stop", str(directory))


def start_rasa(env: Dict[str, str], port: int, name: str, endpoints: str = "endpoints.yml") -> subprocess.Popen:
    """The Rasa server (``valkommen.server.rasa_server``: request checks and fault replies) with ``endpoints``."""
    check_model()
    return servers.start_rasa(env, port, name, endpoints=endpoints)


def start_actions(env: Dict[str, str], port: int, name: str) -> subprocess.Popen:
    """The real action server, as production runs it (rasa-sdk behind valkommen.server.action_server's request checks)."""
    return servers.start_actions(env, port, name)


def wait_until(ready: Callable[[], bool], process: Optional[subprocess.Popen], what: str, timeout: float = 300) -> None:
    """Polls ``ready()`` until true; fails when ``process`` exits or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}; see test-output/")
        time.sleep(0.5)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s; see test-output/")


def wait_rasa(url: str, process: subprocess.Popen, name: str) -> None:
    """Waits until the Rasa server at ``url`` has its model loaded."""
    wait_until(lambda: rasa_ready(url), process, f"Rasa server {name}")


def wait_actions(url: str, process: subprocess.Popen, name: str) -> None:
    """Waits until the action server at ``url`` answers."""
    wait_until(lambda: actions_ready(url), process, f"action server {name}", timeout=120)


def stop_process(process: subprocess.Popen, kill: bool = False) -> None:
    """Stops a server: SIGKILL when ``kill`` (a crash), else politely."""
    if process.poll() is None:
        process.kill() if kill else process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def new_sender() -> str:
    """A fresh pseudonymous-looking sender id."""
    return uuid.uuid4().hex


def say(
    client: httpx.Client,
    url: str,
    sender: str,
    text: str,
    language_hint: Optional[str] = None,
    headers: Optional[Dict[str, str]] = None,
) -> httpx.Response:
    """One message on the REST channel; returns the HTTP response."""
    metadata: Dict[str, Any] = {"channel": "cli"}
    if language_hint:
        metadata["language"] = language_hint
    body = {"sender": sender, "message": text, "metadata": metadata}
    return client.post(f"{url}/webhooks/rest/webhook", json=body, headers=headers or {})


def texts(response: httpx.Response) -> List[str]:
    """The texts of a successful REST channel reply."""
    assert response.status_code == 200, response.text
    return [message["text"] for message in response.json() if message.get("text")]


def tracker(client: httpx.Client, url: str, sender: str) -> Dict[str, Any]:
    """The conversation's tracker from Rasa's HTTP API."""
    response = client.get(f"{url}/conversations/{sender}/tracker", headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def user_texts(state: Dict[str, Any]) -> List[str]:
    """The user messages of a tracker, in order."""
    return [event.get("text") for event in state["events"] if event.get("event") == "user"]


def bot_texts(state: Dict[str, Any]) -> List[str]:
    """The bot's messages of a tracker, in order."""
    return [event.get("text") for event in state["events"] if event.get("event") == "bot"]
