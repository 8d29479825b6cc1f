"""Scale-out on Rasa's own engine: two Rasa replicas, one PostgreSQL tracker store, one Redis
lock store, one stateless action server, nginx in front keeping each conversation on one replica.
nginx is the public edge (deploy/nginx-rasa.conf.template): HTTPS only, only the webhook and the
health route, per-address limits; the tests also check what it refuses.

Everything real, started on loopback by the project's scripts (scripts/services/) with
deploy/endpoints.scaleout.yml. The replicas start once for the module; the last test kills one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List

import httpx
import pytest

from tests.reliability import helpers
from tests.reliability.helpers import (
    CHANGE_TO,
    SCALEOUT_ENDPOINTS,
    Redis,
    bot_texts,
    new_sender,
    say,
    start_actions,
    start_rasa,
    stop_process,
    texts,
    tracker,
    user_texts,
    wait_actions,
    wait_rasa,
)
from tools.servers import AUTH, free_port, server_env

REPLICAS = ("a", "b")


@dataclass
class Cluster:
    """URLs and processes of the scale-out set-up."""

    edge: helpers.Edge
    replica_urls: Dict[str, str]
    processes: Dict[str, object]
    redis: Redis
    tracker_url: str
    killed: List[str] = field(default_factory=list)

    @property
    def balancer_url(self) -> str:
        """The public edge's https:// URL."""
        return self.edge.url

    def replica_of(self, upstream: str) -> str:
        """The replica name of an X-Upstream header (the last address nginx tried)."""
        address = upstream.split(",")[-1].strip()
        return next(name for name, url in self.replica_urls.items() if url.endswith(address))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("scaleout")
    with helpers.postgres() as tracker_url, helpers.redis(tmp / "redis") as redis:
        action_port = free_port()
        env = server_env(
            tmp,
            action_port,
            {
                "TRACKER_DIALECT": "postgresql",
                "TRACKER_STORE_URL": tracker_url,
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": str(redis.port),
                "REDIS_DB": "1",
                "REDIS_PASSWORD": "",
            },
        )
        ports = {name: free_port() for name in REPLICAS}
        processes = {"actions": start_actions(env, action_port, "scaleout-actions")}
        for name in REPLICAS:
            processes[name] = start_rasa(env, ports[name], f"scaleout-rasa-{name}", endpoints=SCALEOUT_ENDPOINTS)
        try:
            wait_actions(f"http://127.0.0.1:{action_port}", processes["actions"], "scaleout-actions")
            urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            for name in REPLICAS:
                wait_rasa(urls[name], processes[name], f"scaleout-rasa-{name}")
            # The edge with its default limits; X-Upstream shows which replica answered (or none).
            settings = {"BALANCER_SHOW_UPSTREAM": "1", "BALANCER_INTERNAL_PORT": str(free_port())}
            with helpers.balancer(tmp / "nginx", [f"127.0.0.1:{ports[name]}" for name in REPLICAS], settings) as edge:
                yield Cluster(edge, urls, processes, redis, tracker_url)
        finally:
            for process in processes.values():
                stop_process(process)


@pytest.fixture(scope="module")
def client(cluster) -> Iterator[httpx.Client]:
    """Talks to the replicas (plain HTTP, loopback) and to the edge, trusting only its certificate."""
    with httpx.Client(timeout=120.0, verify=cluster.edge.tls()) as http:
        yield http


def lock_writes(redis: Redis) -> int:
    """How many SET commands Redis has run (Rasa's RedisLockStore stores each lock with SET)."""
    stats = redis.info("commandstats").get("cmdstat_set", "calls=0")
    return int(stats.split(",")[0].split("=")[1])


def via_balancer(client: httpx.Client, cluster: Cluster, sender: str, text: str) -> httpx.Response:
    """A message through nginx; the channels send the sender id also in X-Sender."""
    return say(client, cluster.balancer_url, sender, text, headers={"X-Sender": sender})


def test_one_conversation_alternating_between_replicas_keeps_language_and_context(cluster, client, catalogue):
    a, b = cluster.replica_urls["a"], cluster.replica_urls["b"]
    sender = new_sender()
    locks_before = lock_writes(cluster.redis)

    assert texts(say(client, a, sender, CHANGE_TO.format("ar")))[0] == catalogue.interface("language_set", "ar")
    assert texts(say(client, b, sender, "/school"))[0] == catalogue.answer("school", "ar").text
    assert texts(say(client, a, sender, "/home_language"))[0] == catalogue.answer("home_language", "ar").text

    seen_by_b = tracker(client, b, sender)
    assert seen_by_b["slots"]["chosen_language"] == "ar"
    assert user_texts(seen_by_b) == [CHANGE_TO.format("ar"), "/school", "/home_language"]
    assert tracker(client, a, sender)["events"] == seen_by_b["events"]
    # The replicas took the conversation's lock in the shared Redis for every message.
    assert lock_writes(cluster.redis) >= locks_before + 3


def test_the_conversation_is_stored_in_postgresql(cluster, client):
    import sqlalchemy as sa

    sender = new_sender()
    texts(say(client, cluster.replica_urls["a"], sender, "/greet"))
    engine = sa.create_engine(cluster.tracker_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    engine.dispose()
    assert count > 0


def test_the_balancer_keeps_each_conversation_on_one_replica(cluster, client, catalogue):
    served: Dict[str, set] = {}
    for _ in range(8):
        sender = new_sender()
        via_balancer(client, cluster, sender, CHANGE_TO.format("uk")).raise_for_status()
        for _ in range(2):
            response = via_balancer(client, cluster, sender, "/school")
            assert texts(response)[0] == catalogue.answer("school", "uk").text
            served.setdefault(sender, set()).add(cluster.replica_of(response.headers["X-Upstream"]))
    assert all(len(replicas) == 1 for replicas in served.values()), served
    # Eight conversations are spread over both replicas (consistent hash of the sender id).
    assert set().union(*served.values()) == set(REPLICAS)


#: Rasa's API routes the edge must refuse (method, path); none may reach a replica.
ADMIN_ROUTES = [
    ("GET", "/conversations/x/tracker"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/train"),
    ("POST", "/model/parse"),
    ("GET", "/status"),
    ("GET", "/version"),
    ("DELETE", "/privacy/conversations/x"),
    ("POST", "/conversations/x/messages"),
    ("GET", "/webhooks/rest/webhook"),  # the webhook takes POST only
    ("POST", "/health"),  # the health route takes GET only
]


def reached_a_replica(response: httpx.Response) -> bool:
    """Whether nginx proxied the request (X-Upstream names the replica; nginx's own answers have none)."""
    return bool(response.headers.get("X-Upstream"))


def test_the_webhook_is_reachable_at_the_edge(cluster, client):
    sender = new_sender()
    response = via_balancer(client, cluster, sender, "Hej!")
    assert texts(response), "the greeting was not answered"
    assert reached_a_replica(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert cluster.balancer_url.startswith("https://")
    # The widget's CORS preflight reaches Rasa too.
    preflight = client.options(
        f"{cluster.balancer_url}/webhooks/rest/webhook",
        headers={"Origin": "https://www.boras.se", "Access-Control-Request-Method": "POST"},
    )
    assert reached_a_replica(preflight), preflight.status_code
    health = client.get(f"{cluster.balancer_url}/health")
    assert health.status_code == 200 and "Hello from Rasa" in health.text


def test_admin_routes_are_refused_at_the_edge(cluster, client):
    token = AUTH["Authorization"].split(" ", 1)[1]
    direct = client.get(f"{cluster.replica_urls['a']}/status", headers=AUTH)
    assert direct.status_code == 200, "the token must be valid for the refusals below to mean anything"
    for method, path in ADMIN_ROUTES:
        for params, headers in (({}, {}), ({"token": token}, {}), ({}, AUTH)):
            url = httpx.URL(f"{cluster.balancer_url}{path}", params=params)
            response = client.send(client.build_request(method, url, headers=headers), follow_redirects=False)
            assert response.status_code in (403, 404), (method, path, params, response.status_code)
            assert not reached_a_replica(response), (method, path, response.headers.get("X-Upstream"))
            assert "Rasa" not in response.text and "nginx/" not in response.text


def test_the_owner_erases_the_conversation_through_the_edge_and_guessing_is_rate_limited(cluster, client):
    import secrets

    import sqlalchemy as sa

    edge, sender, own = cluster.edge, new_sender(), secrets.token_urlsafe(32)
    time.sleep(edge.burst / edge.rate_per_second + 0.5)  # whatever earlier tests used has drained
    body = {"sender": sender, "message": "Hej", "metadata": {"channel": "web", "erase_secret": own}}
    said = client.post(f"{cluster.balancer_url}/webhooks/rest/webhook", json=body, headers={"X-Sender": sender})
    assert said.status_code == 200 and reached_a_replica(said)

    erased = client.post(
        f"{cluster.balancer_url}/privacy/erase", json={"sender": sender, "secret": own}, headers={"X-Sender": sender}
    )

    assert erased.status_code == 204 and reached_a_replica(erased), erased.text
    engine = sa.create_engine(cluster.tracker_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    engine.dispose()
    assert count == 0
    statuses = [
        client.post(
            f"{cluster.balancer_url}/privacy/erase", json={"sender": sender, "secret": secrets.token_urlsafe(32)}
        ).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 404 and 429 in statuses, statuses  # a person presses once; guessing is slowed down
    time.sleep(6)  # the erase limit (1 r/s, burst 5) drains before the next test


def test_the_internal_address_serves_the_admin_routes_with_the_token(cluster, client):
    assert cluster.edge.internal_url
    assert client.get(f"{cluster.edge.internal_url}/status", headers=AUTH).status_code == 200
    assert client.get(f"{cluster.edge.internal_url}/status").status_code == 401  # Rasa's own gate


def test_plain_http_is_not_served(cluster, client):
    plain = cluster.balancer_url.replace("https://", "http://")
    sender = new_sender()
    for response in (
        client.get(f"{plain}/health"),
        client.post(f"{plain}/webhooks/rest/webhook", json={"sender": sender, "message": "Hej"}, headers={"X-Sender": sender}),
    ):
        assert response.status_code == 400, response.status_code
        assert not reached_a_replica(response)
        assert "Hello from Rasa" not in response.text


def test_an_oversized_body_is_refused_at_the_edge(cluster, client):
    edge = cluster.edge
    time.sleep(edge.burst / edge.rate_per_second + 0.5)  # the admin-route checks spent the burst: let it drain
    sender = new_sender()
    url = f"{cluster.balancer_url}/webhooks/rest/webhook"
    body = {"sender": sender, "message": "a" * 150_000, "metadata": {}}
    refused = client.post(
        url, content=json.dumps(body).encode(), headers={"X-Sender": sender, "Content-Type": "application/json"}
    )
    assert refused.status_code == 413
    assert not reached_a_replica(refused)
    # The longest message the REST channel takes (20,000 characters), in a 4-byte script, passes.
    longest = {"sender": sender, "message": "\U0001f642" * 20_000, "metadata": {}}
    passed = client.post(
        url,
        content=json.dumps(longest, ensure_ascii=False).encode(),
        headers={"X-Sender": sender, "Content-Type": "application/json"},
    )
    assert passed.status_code != 413 and reached_a_replica(passed), passed.status_code


def test_a_burst_from_one_address_is_rate_limited(cluster, client):
    edge = cluster.edge
    time.sleep(edge.burst / edge.rate_per_second + 0.5)  # whatever earlier tests used has drained
    statuses: List[int] = []
    for _ in range(300):  # bounded: stops at the limit, or after 300 requests on loopback
        statuses.append(client.get(f"{edge.url}/health").status_code)
        if statuses[-3:] == [429, 429, 429]:
            break
    assert 429 in statuses, f"no 429 after {len(statuses)} requests"
    served_first = statuses.index(429)
    # More than a person ever sends at once is served before the limit.
    assert served_first >= edge.burst and set(statuses[:served_first]) == {200}, statuses
    # The limit is per address, not per route: the webhook is refused too, by nginx.
    sender = new_sender()
    refused = via_balancer(client, cluster, sender, "Hej")
    assert refused.status_code == 429 and not reached_a_replica(refused)
    # And it recovers: after the burst has drained, the same address is served again.
    time.sleep(edge.burst / edge.rate_per_second + 0.5)
    assert texts(via_balancer(client, cluster, sender, "Hej"))


def test_conversation_fails_over_to_the_other_replica_when_its_replica_dies(cluster, client, catalogue):
    sender = new_sender()
    via_balancer(client, cluster, sender, CHANGE_TO.format("ar")).raise_for_status()
    first = via_balancer(client, cluster, sender, "/home_language")
    assert texts(first)[0] == catalogue.answer("home_language", "ar").text
    home = cluster.replica_of(first.headers["X-Upstream"])

    stop_process(cluster.processes[home], kill=True)  # a crash, mid-conversation
    cluster.killed.append(home)

    after = via_balancer(client, cluster, sender, "/school")
    assert texts(after)[0] == catalogue.answer("school", "ar").text
    other = cluster.replica_of(after.headers["X-Upstream"])
    assert other != home
    state = tracker(client, cluster.replica_urls[other], sender)
    assert state["slots"]["chosen_language"] == "ar"
    assert user_texts(state) == [CHANGE_TO.format("ar"), "/home_language", "/school"]
    assert texts(first)[0] in bot_texts(state)
    # And it stays there while the first replica is down.
    again = via_balancer(client, cluster, sender, "/home_language")
    assert cluster.replica_of(again.headers["X-Upstream"]) == other


def test_lock_store_down_mid_conversation_gives_the_unavailable_text_in_its_language(cluster, client, catalogue):
    """Runs last: it stops Redis. Rasa alone would answer an empty list."""
    replica = next(url for name, url in cluster.replica_urls.items() if name not in cluster.killed)
    sender = new_sender()
    assert texts(say(client, replica, sender, CHANGE_TO.format("bs")))[0] == catalogue.interface("language_set", "bs")
    helpers.script("redis", "stop", str(cluster.redis.directory))
    assert texts(say(client, replica, sender, "/school")) == [catalogue.interface("unavailable", "bs")]
