"""Faults behind the Rasa server: the user gets a clear reply in their language, never silence.

One real Rasa server and action server for the module; the action server is stopped or
replaced by a slow stand-in (the fault under test) and started again after each test.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator

import httpx
import pytest

from tests.reliability.helpers import (
    CHANGE_TO,
    SCALEOUT_ENDPOINTS,
    new_sender,
    say,
    start_actions,
    start_rasa,
    stop_process,
    texts,
    wait_actions,
    wait_rasa,
)
from tools.servers import ROOT, free_port, model_path, server_env
from valkommen.server.fault_replies import record_failure, reply_with_unavailable, take_failure
from valkommen.server.startup_check import EXIT_STORE_UNREACHABLE

#: Seconds the Rasa server waits for a custom action in these tests.
ACTION_TIMEOUT = 3
#: The slow stand-in answers long after that (but before the client gives up).
SLOW_ACTION_SECONDS = 20


class Deployment:
    """A Rasa server whose action server can be stopped, replaced and started again."""

    def __init__(self, tmp: Path) -> None:
        self.action_port, rasa_port = free_port(), free_port()
        self.env: Dict[str, str] = server_env(tmp, self.action_port, {"ACTION_TIMEOUT": str(ACTION_TIMEOUT)})
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.action_url = f"http://127.0.0.1:{self.action_port}"
        self.actions = self._start_actions()
        self.rasa = start_rasa(self.env, rasa_port, "faults-rasa")
        wait_rasa(self.rasa_url, self.rasa, "faults-rasa")

    def _start_actions(self) -> subprocess.Popen:
        process = start_actions(self.env, self.action_port, "faults-actions")
        wait_actions(self.action_url, process, "faults-actions")
        return process

    def stop_actions(self) -> None:
        stop_process(self.actions)

    def start_actions(self) -> None:
        if self.actions.poll() is not None:
            self.actions = self._start_actions()

    def stop(self) -> None:
        stop_process(self.rasa)
        stop_process(self.actions)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    running = Deployment(tmp_path_factory.mktemp("faults"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=SLOW_ACTION_SECONDS * 3) as http:
        yield http


@pytest.fixture
def actions_down(deployment) -> Iterator[None]:
    """The action server is stopped for the test (its port refuses connections)."""
    deployment.stop_actions()
    try:
        yield
    finally:
        deployment.start_actions()


class SlowActionServer(BaseHTTPRequestHandler):
    """Answers every action call, but only after SLOW_ACTION_SECONDS."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(SLOW_ACTION_SECONDS)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"events": [], "responses": []}')
        except OSError:
            pass  # Rasa gave up and closed the connection: the point of the test

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def slow_action_server(deployment: Deployment) -> Iterator[None]:
    """The action server is replaced by one that answers after SLOW_ACTION_SECONDS."""
    deployment.stop_actions()
    server = ThreadingHTTPServer(("127.0.0.1", deployment.action_port), SlowActionServer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        deployment.start_actions()


def test_answers_are_untouched_while_the_action_server_works(deployment, client, catalogue):
    sender = new_sender()
    texts(say(client, deployment.rasa_url, sender, CHANGE_TO.format("en")))
    replies = texts(say(client, deployment.rasa_url, sender, "/school"))
    assert replies[0] == catalogue.answer("school", "en").text
    assert catalogue.interface("unavailable", "en") not in replies


def test_action_server_down_gives_the_unavailable_text_in_the_chosen_language(deployment, client, catalogue):
    sender = new_sender()
    texts(say(client, deployment.rasa_url, sender, CHANGE_TO.format("ar")))
    deployment.stop_actions()
    try:
        response = say(client, deployment.rasa_url, sender, "/school")
        assert texts(response) == [catalogue.interface("unavailable", "ar")]
        assert response.json()[0]["recipient_id"] == sender
    finally:
        deployment.start_actions()


def test_action_server_down_answers_a_new_conversation_in_the_language_of_its_message(
    deployment, client, catalogue, actions_down
):
    response = say(client, deployment.rasa_url, new_sender(), "Як записати дитину до школи?")
    assert texts(response) == [catalogue.interface("unavailable", "uk")]


def test_action_server_down_with_only_a_channel_hint_answers_in_the_hinted_language(deployment, client, catalogue, actions_down):
    response = say(client, deployment.rasa_url, new_sender(), "/school", language_hint="so")
    assert texts(response) == [catalogue.interface("unavailable", "so")]


def test_slow_action_server_times_out_with_the_unavailable_text(deployment, client, catalogue):
    sender = new_sender()
    texts(say(client, deployment.rasa_url, sender, CHANGE_TO.format("ti")))
    with slow_action_server(deployment):
        response = say(client, deployment.rasa_url, sender, "/school")
    assert texts(response) == [catalogue.interface("unavailable", "ti")]


def test_conversation_goes_on_normally_once_the_action_server_is_back(deployment, client, catalogue):
    sender = new_sender()
    texts(say(client, deployment.rasa_url, sender, CHANGE_TO.format("fa")))
    deployment.stop_actions()
    assert texts(say(client, deployment.rasa_url, sender, "/school")) == [catalogue.interface("unavailable", "fa")]
    deployment.start_actions()
    assert texts(say(client, deployment.rasa_url, sender, "/school"))[0] == catalogue.answer("school", "fa").text


def run_server_expecting_exit(env: Dict[str, str], endpoints: str) -> subprocess.CompletedProcess:
    """``python -m valkommen.server.rasa_server run`` with stores that are down; it must exit by itself."""
    args = [
        sys.executable,
        "-m",
        "valkommen.server.rasa_server",
        "run",
        "--model",
        str(model_path()),
        "--enable-api",
        "--port",
        str(free_port()),
        "--endpoints",
        endpoints,
        "--credentials",
        "credentials.yml",
    ]
    # The bound only stops a hang from blocking the suite; the server exits long before it.
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def test_database_down_at_start_exits_with_a_clear_error_and_no_traceback(tmp_path):
    dead_port = free_port()
    env = server_env(
        tmp_path,
        free_port(),
        {
            "TRACKER_DIALECT": "postgresql",
            "TRACKER_STORE_URL": f"postgresql://valkommen:not-shown@127.0.0.1:{dead_port}/valkommen",
            "STORE_WAIT_SECONDS": "2",
        },
    )
    done = run_server_expecting_exit(env, "endpoints.yml")
    assert done.returncode == EXIT_STORE_UNREACHABLE
    assert (
        f"the tracker store database postgresql://valkommen:***@127.0.0.1:{dead_port}/valkommen is not reachable" in done.stderr
    )
    assert "not-shown" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_lock_store_down_at_start_exits_with_a_clear_error(tmp_path):
    dead_port = free_port()
    env = server_env(
        tmp_path,
        free_port(),
        {
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(dead_port),
            "REDIS_DB": "1",
            "REDIS_PASSWORD": "",
            "STORE_WAIT_SECONDS": "1",
        },
    )
    done = run_server_expecting_exit(env, SCALEOUT_ENDPOINTS)
    assert done.returncode == EXIT_STORE_UNREACHABLE
    assert f"the Redis lock store at 127.0.0.1:{dead_port} is not reachable" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_failed_action_is_reported_once_per_conversation():
    record_failure("a")
    assert take_failure("a") is True
    assert take_failure("a") is False
    assert take_failure("b") is False


def test_unavailable_text_is_added_after_partial_replies_once_and_says_its_language(catalogue):
    partial = [{"recipient_id": "a", "text": "first"}, {"recipient_id": "a", "custom": {"language": "sv", "direction": "ltr"}}]
    once = reply_with_unavailable(partial, "a", "bs")
    assert once == partial[:1] + [
        {"recipient_id": "a", "text": catalogue.interface("unavailable", "bs")},
        {"recipient_id": "a", "custom": {"language": "bs", "direction": "ltr"}},
    ]
    assert reply_with_unavailable(once, "a", "bs") == once
    assert reply_with_unavailable(None, "a", "ar") == [
        {"recipient_id": "a", "text": catalogue.interface("unavailable", "ar")},
        {"recipient_id": "a", "custom": {"language": "ar", "direction": "rtl"}},
    ]


def test_the_start_check_reads_the_tracker_store_url_as_rasa_does():
    from rasa.utils.endpoints import EndpointConfig

    from valkommen.server.startup_check import sql_url

    full = EndpointConfig(url="postgresql://valkommen:pw@db.example:5433/valkommen", dialect="sqlite", db="other")
    assert sql_url(full).render_as_string(hide_password=False) == "postgresql://valkommen:pw@db.example:5433/valkommen"
    parts = EndpointConfig(url="db.example", dialect="postgresql", port=5433, db="valkommen", username="u")
    assert sql_url(parts).render_as_string(hide_password=False) == "postgresql://u@db.example:5433/valkommen"
