"""Starting the real Rasa server and action server for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from valkommen.core.settings import settings
from valkommen.server.wait_ready import actions_ready, rasa_ready, wait_ready

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OUTPUT = ROOT / "test-output"
#: The secrets of the servers the tests start: the API token (the project's own clients, e.g.
#: valkommen.server.wait_ready, read RASA_TOKEN) and the action server's shared secret.
os.environ.setdefault("RASA_TOKEN", secrets.token_hex(16))
os.environ.setdefault("ACTION_SERVER_TOKEN", secrets.token_hex(16))
#: Headers that open the Rasa server's private routes, as the project's own clients send them.
AUTH = {"Authorization": f"Bearer {os.environ['RASA_TOKEN']}"}


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    return free_ports(1)[0]


def free_ports(count: int) -> List[int]:
    """``count`` different TCP ports on loopback that nothing listens on right now (the sockets
    stay bound until all are chosen, so the kernel cannot hand out one port twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Servers:
    """URLs and processes of a running Rasa + action server pair."""

    rasa_url: str
    action_url: str
    processes: Dict[str, subprocess.Popen]
    env: Dict[str, str]

    @property
    def token(self) -> str:
        """The API token of the Rasa server (RASA_TOKEN)."""
        return self.env["RASA_TOKEN"]

    @property
    def auth(self) -> Dict[str, str]:
        """Headers that open the Rasa server's private routes (how the project's own clients send it)."""
        return {"Authorization": f"Bearer {self.token}"}


def model_path() -> Path:
    """The trained model (``make train`` builds it)."""
    return settings().model_path


def check_model() -> None:
    """Fails loudly when there is no model or it is stale (data, config or NLU code changed since).

    A stale model would let tests pass or skip for the wrong reason; ``scripts/train.sh --check``
    compares the model's fingerprint with the working tree's.
    """
    env = {**os.environ, "MODEL_PATH": str(model_path())}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "train.sh"), "--check"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"the model at {model_path()} is not usable: run `make train`")


def start_process(name: str, args: List[str], env: Dict[str, str]) -> subprocess.Popen:
    """Starts one server, its output in test-output/<name>.log."""
    OUTPUT.mkdir(exist_ok=True)
    log = open(OUTPUT / f"{name}.log", "wb")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_actions(env: Dict[str, str], port: int, name: str = "actions") -> subprocess.Popen:
    """Starts the action server (rasa-sdk with valkommen.server.action_server's request checks) on ``port``."""
    return start_process(
        name, [sys.executable, "-m", "valkommen.server.action_server", "--actions", "actions", "--port", str(port)], env
    )


def start_rasa(
    env: Dict[str, str], port: int, name: str = "rasa", cors: Optional[List[str]] = None, endpoints: str = "endpoints.yml"
) -> subprocess.Popen:
    """Starts the Rasa server with the REST channel and HTTP API on ``port``.

    ``cors``: the web origins allowed to call it from a browser (none by default); ``endpoints``:
    the endpoint configuration (deploy/endpoints.scaleout.yml for replicas).
    """
    args = [
        sys.executable,
        "-m",
        "valkommen.server.rasa_server",
        "run",
        "--model",
        str(model_path()),
        "--enable-api",
        "--port",
        str(port),
        "--endpoints",
        endpoints,
        "--credentials",
        "credentials.yml",
    ]
    if cors:
        args += ["--cors", *cors]
    return start_process(name, args, env)  # RASA_TOKEN from env: every route but the webhook needs it


def server_env(tmp_dir: Path, action_port: int, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment for both servers: SQLite tracker store in ``tmp_dir``, fresh secrets, loopback."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TOKEN": os.environ["RASA_TOKEN"],
            "ACTION_SERVER_TOKEN": os.environ["ACTION_SERVER_TOKEN"],
            "BIND_HOST": "127.0.0.1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TRACKER_DIALECT": "sqlite",
            "TRACKER_STORE_URL": f"sqlite:///{tmp_dir / 'tracker.db'}",
            "TRACKER_DB": "valkommen",
        }
    )
    env.update(extra or {})
    return env


def stop(processes: Dict[str, subprocess.Popen]) -> None:
    """Stops the servers, politely first."""
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def running_servers(
    tmp_dir: Path,
    timeout: float = 300.0,
    cors: Optional[List[str]] = None,
    extra_env: Optional[Dict[str, str]] = None,
    log_prefix: str = "",
) -> Iterator[Servers]:
    """Runs a Rasa server and an action server until the block ends (``cors``: allowed web origins).

    ``extra_env``: more settings for both servers (e.g. RASA_TOKEN); ``log_prefix``: their logs are
    test-output/<log_prefix>rasa.log and <log_prefix>actions.log.
    """
    check_model()
    rasa_port, action_port = free_port(), free_port()
    env = server_env(tmp_dir, action_port, extra_env)
    processes = {
        "actions": start_actions(env, action_port, name=f"{log_prefix}actions"),
        "rasa": start_rasa(env, rasa_port, name=f"{log_prefix}rasa", cors=cors),
    }
    servers = Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", processes, env)
    try:
        alive = lambda: all(p.poll() is None for p in processes.values())
        if not wait_ready(servers.rasa_url, servers.action_url, timeout, alive, token=env.get("RASA_TOKEN")):
            raise RuntimeError(f"servers did not start; see {OUTPUT}/{log_prefix}rasa.log and {log_prefix}actions.log")
        yield servers
    finally:
        stop(processes)


__all__ = ["AUTH", "Servers", "running_servers", "rasa_ready", "actions_ready", "free_port"]
