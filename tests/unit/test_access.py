"""Who may call what: public routes, the API token, the interface a server binds to."""

from __future__ import annotations

import zlib

import pytest

from valkommen.server.access import exposure_problem, is_loopback, is_public, presented_token, refusal
from valkommen.server.action_server import BodyTooLarge, inflate
from valkommen.server.rasa_server import serving_arguments


@pytest.mark.parametrize(
    "method, path", [("POST", "/webhooks/rest/webhook"), ("GET", "/"), ("OPTIONS", "/webhooks/rest/webhook")]
)
def test_the_channels_routes_are_public(method, path):
    assert is_public(method, path)


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/model/parse"),
        ("GET", "/conversations/x/tracker"),
        ("POST", "/conversations/x/tracker/events"),
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/train"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("DELETE", "/privacy/conversations/x"),
        ("GET", "/webhooks/rest/webhook"),
        ("POST", "/webhooks/rest/webhook/../../model"),
    ],
)
def test_every_other_route_is_private(method, path):
    assert not is_public(method, path)


def test_the_token_is_taken_from_a_bearer_header_or_the_query():
    assert presented_token({"Authorization": "Bearer abc"}, None) == "abc"
    assert presented_token({"authorization": "bearer abc"}, "other") == "abc"
    assert presented_token({}, "abc") == "abc"
    assert presented_token({"Authorization": "Basic abc"}, None) is None


def test_a_server_without_a_token_refuses_private_routes_even_with_a_guess():
    assert refusal(None, None)[0] == 403
    assert refusal(None, "anything")[0] == 403
    assert refusal("secret", None)[0] == 401
    assert refusal("secret", "wrong")[0] == 401
    assert refusal("secret", "secret") is None


@pytest.mark.parametrize(
    "host, loopback",
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("10.1.2.3", False), ("::", False)],
)
def test_loopback_is_told_apart_from_other_interfaces(host, loopback):
    assert is_loopback(host) is loopback


def test_a_server_beyond_loopback_without_a_token_must_not_start():
    assert exposure_problem("0.0.0.0", None, "RASA_TOKEN") is not None
    assert "RASA_TOKEN" in exposure_problem("0.0.0.0", "", "RASA_TOKEN")
    assert exposure_problem("0.0.0.0", "secret", "RASA_TOKEN") is None
    assert exposure_problem("127.0.0.1", None, "RASA_TOKEN") is None


def test_the_rasa_launcher_binds_to_loopback_and_keeps_the_token_out_of_rasas_arguments():
    argv, token, interface = serving_arguments(["run", "--enable-api", "--auth-token", "tok"], env={})
    assert token == "tok" and interface == "127.0.0.1"
    assert "--auth-token" not in argv and "tok" not in argv
    assert argv[-2:] == ["--interface", "127.0.0.1"]
    argv, token, interface = serving_arguments(["run", "-i", "0.0.0.0"], env={"RASA_TOKEN": "t"})
    assert (token, interface, argv.count("--interface")) == ("t", "0.0.0.0", 1)
    assert serving_arguments(["run"], env={"BIND_HOST": "::1"})[2] == "::1"


def test_an_action_call_that_inflates_beyond_the_limit_is_refused():
    bomb = zlib.compress(b"{" + b" " * 10_000_000 + b"}")
    assert len(bomb) < 20_000
    with pytest.raises(BodyTooLarge):
        inflate(bomb, limit=1_000_000)
    assert inflate(zlib.compress(b'{"a": 1}'), limit=100) == b'{"a": 1}'
