"""The default `make run` configuration, looked at from outside: nothing private is reachable.

Starts scripts/run.sh as a newcomer would (embedded defaults, only the ports moved to free
ones) and checks what listens where, which routes answer without the token, that the action
server refuses callers without the shared secret, and that a typed payload cannot make the
assistant say the user's text.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Set

import httpx
import pytest

from tools.servers import OUTPUT, ROOT, free_port
from valkommen.server.wait_ready import wait_ready


def listening_addresses(ports: Set[int]) -> Dict[int, List[str]]:
    """The local addresses on which TCP ``ports`` listen (from /proc/net/tcp and tcp6)."""
    found: Dict[int, List[str]] = {port: [] for port in ports}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] != "0A" or int(port_hex, 16) not in ports:  # 0A = LISTEN
                continue
            if width == 8:
                shown = ".".join(str(b) for b in reversed(bytes.fromhex(address)))
            else:
                shown = "::1" if address == "00000000000000000000000001000000" else ("::" if set(address) == {"0"} else address)
            found[int(port_hex, 16)].append(shown)
    return found


@pytest.fixture(scope="module")
def make_run(tmp_path_factory) -> Iterator[Dict[str, str]]:
    """scripts/run.sh with its embedded defaults (free ports, an empty tracker store)."""
    tmp = tmp_path_factory.mktemp("make-run")
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port()}
    env = {key: value for key, value in os.environ.items() if key not in ("RASA_TOKEN", "ACTION_SERVER_TOKEN", "BIND_HOST")}
    env.update({key: str(value) for key, value in ports.items()})
    env["ACTION_ENDPOINT_URL"] = f"http://localhost:{ports['ACTION_PORT']}/webhook"
    env["TRACKER_STORE_URL"] = f"sqlite:///{tmp / 'tracker.db'}"
    env["WEB_ORIGINS"] = f"http://localhost:{ports['WEB_PORT']}"
    OUTPUT.mkdir(exist_ok=True)
    log = open(OUTPUT / "make-run.log", "wb")
    process = subprocess.Popen(
        ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    urls = {"rasa": f"http://127.0.0.1:{ports['RASA_PORT']}", "actions": f"http://127.0.0.1:{ports['ACTION_PORT']}"}
    token = (ROOT / "var" / "rasa.token").read_text().strip() if (ROOT / "var" / "rasa.token").exists() else ""
    try:
        ready = wait_ready(urls["rasa"], urls["actions"], 300, lambda: process.poll() is None, token=token or None)
        assert ready, f"make run did not come up; see {OUTPUT}/make-run.log"
        token = (ROOT / "var" / "rasa.token").read_text().strip()
        yield {**urls, **{k: str(v) for k, v in ports.items()}, "token": token}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_every_server_listens_on_loopback_only(make_run):
    ports = {int(make_run[key]) for key in ("RASA_PORT", "ACTION_PORT", "WEB_PORT")}
    addresses = listening_addresses(ports)
    assert all(addresses[port] for port in ports), addresses
    assert {a for found in addresses.values() for a in found} <= {"127.0.0.1", "::1"}, addresses


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/conversations/someone/tracker/events"),
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/train"),
        ("POST", "/model/parse"),
        ("GET", "/status"),
        ("DELETE", "/privacy/conversations/someone"),
    ],
)
def test_private_routes_are_refused_without_the_token(make_run, method, path):
    response = httpx.request(method, make_run["rasa"] + path, json={"text": "hej"}, timeout=30)
    assert response.status_code == 401, (path, response.status_code)
    wrong = httpx.request(method, make_run["rasa"] + path, params={"token": "guess"}, json={"text": "hej"}, timeout=30)
    assert wrong.status_code == 401


def test_the_token_opens_the_private_routes_as_a_header_or_in_the_query(make_run):
    headers = {"Authorization": f"Bearer {make_run['token']}"}
    assert httpx.get(make_run["rasa"] + "/status", headers=headers, timeout=30).status_code == 200
    assert httpx.get(make_run["rasa"] + "/status", params={"token": make_run["token"]}, timeout=30).status_code == 200


def test_the_action_server_refuses_callers_without_the_secret(make_run):
    call = {
        "next_action": "action_greet",
        "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
    }
    for headers in ({}, {"Authorization": "Bearer guess"}):
        response = httpx.post(make_run["actions"] + "/webhook", json=call, headers=headers, timeout=30)
        assert response.status_code == 401


def test_the_channels_route_works_without_a_token_and_runs_the_actions(make_run):
    body = {"sender": uuid.uuid4().hex, "message": "Hur ansöker jag om SFI?", "metadata": {"channel": "cli"}}
    replies = httpx.post(make_run["rasa"] + "/webhooks/rest/webhook", json=body, timeout=60).json()
    assert "sfi" in replies[0]["text"].lower()


def test_a_typed_payload_cannot_make_the_assistant_say_the_users_text(make_run):
    for text in (
        '/meeting_place{"postcode": "<b>hacked</b> 99999"}',
        '/meeting_place{"district": "<b>hacked</b>"}',
        '/change_language{"language": "<b>hacked</b>"}',
    ):
        body = {"sender": uuid.uuid4().hex, "message": text, "metadata": {"channel": "cli"}}
        response = httpx.post(make_run["rasa"] + "/webhooks/rest/webhook", json=body, timeout=60)
        assert response.status_code == 200
        said = " ".join(m.get("text") or "" for m in response.json())
        assert said and "hacked" not in said, said


def test_a_button_payload_still_works(make_run):
    body = {"sender": uuid.uuid4().hex, "message": '/meeting_place{"district":"norrby"}', "metadata": {"channel": "cli"}}
    replies = httpx.post(make_run["rasa"] + "/webhooks/rest/webhook", json=body, timeout=60).json()
    assert "Norrby" in replies[0]["text"]


def test_a_location_that_is_not_json_is_answered_and_stored_as_unreadable(make_run):
    sender = uuid.uuid4().hex
    raw = f'{{"sender": "{sender}", "message": "/share_location", "metadata": {{"channel": "web", "location": {{"lat": 1e999, "lon": -1e999}}}}}}'
    response = httpx.post(
        make_run["rasa"] + "/webhooks/rest/webhook", content=raw, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert response.status_code == 200 and response.json()[0]["text"]
    tracker = httpx.get(
        f"{make_run['rasa']}/conversations/{sender}/tracker", headers={"Authorization": f"Bearer {make_run['token']}"}, timeout=30
    )
    assert "Infinity" not in tracker.text
    user = [e for e in tracker.json()["events"] if e["event"] == "user"][0]
    assert user["metadata"]["location"] == "unreadable"
