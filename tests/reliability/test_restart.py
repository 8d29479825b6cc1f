"""Conversations survive a restart of the Rasa server (SQL tracker store, SQLite by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import httpx
import pytest

from tests.reliability.helpers import (
    CHANGE_TO,
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
from tools.servers import free_port, server_env


class Deployment:
    """An action server and a Rasa server on the default endpoints.yml (SQLite file in a temp dir)."""

    def __init__(self, tmp: Path) -> None:
        self.action_port, self.rasa_port = free_port(), free_port()
        self.env: Dict[str, str] = server_env(tmp, self.action_port)
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.actions = start_actions(self.env, self.action_port, "restart-actions")
        self.rasa = start_rasa(self.env, self.rasa_port, "restart-rasa-1")
        self.starts = 1
        wait_actions(f"http://127.0.0.1:{self.action_port}", self.actions, "restart-actions")
        wait_rasa(self.rasa_url, self.rasa, "restart-rasa-1")

    def restart_rasa(self) -> None:
        """Stops the Rasa server and starts a new one on the same port and database."""
        stop_process(self.rasa)
        self.starts += 1
        self.rasa = start_rasa(self.env, self.rasa_port, f"restart-rasa-{self.starts}")
        wait_rasa(self.rasa_url, self.rasa, f"restart-rasa-{self.starts}")

    def stop(self) -> None:
        stop_process(self.rasa)
        stop_process(self.actions)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    running = Deployment(tmp_path_factory.mktemp("restart"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=120.0) as http:
        yield http


def test_default_tracker_store_is_the_sqlite_file_named_by_the_environment(deployment, client):
    say(client, deployment.rasa_url, new_sender(), "/greet")
    database = deployment.env["TRACKER_STORE_URL"].removeprefix("sqlite:///")
    assert Path(database).is_file() and Path(database).stat().st_size > 0


def test_chosen_language_and_context_survive_a_rasa_restart(deployment, client, catalogue):
    sender = new_sender()
    assert texts(say(client, deployment.rasa_url, sender, CHANGE_TO.format("ar")))[0] == catalogue.interface("language_set", "ar")
    before = texts(say(client, deployment.rasa_url, sender, "/home_language"))
    assert before[0] == catalogue.answer("home_language", "ar").text

    deployment.restart_rasa()

    state = tracker(client, deployment.rasa_url, sender)
    assert state["slots"]["chosen_language"] == "ar"
    assert state["slots"]["language"] == "ar"
    assert user_texts(state) == [CHANGE_TO.format("ar"), "/home_language"]
    assert before[0] in bot_texts(state)

    after = texts(say(client, deployment.rasa_url, sender, "/school"))
    assert after[0] == catalogue.answer("school", "ar").text
    state = tracker(client, deployment.rasa_url, sender)
    assert user_texts(state) == [CHANGE_TO.format("ar"), "/home_language", "/school"]
    assert {before[0], after[0]} <= set(bot_texts(state))
