"""A real Rasa + action server pair with Rasa's API token switched on, for hostile and privacy tests.

Its logs go to test-output/hostile-rasa.log and hostile-actions.log (the privacy tests read them).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tools.servers import OUTPUT, Servers, running_servers

#: A token that appears nowhere else, so the log test can look for it.
TOKEN = "tok" + secrets.token_hex(16)
LOG_PREFIX = "hostile-"


#: Conversations written into the tracker store before the servers start: (sender, age in days).
SEEDED = {"seeded-old": 45.0, "seeded-recent": 2.0}


def seed_tracker(database: Path) -> None:
    """One 45-day-old and one 2-day-old conversation, written through Rasa's SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(database))
    for sender, age in SEEDED.items():
        event = UserUttered("Hej", {"name": "greet", "confidence": 1.0}, timestamp=time.time() - age * 86400)
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, [event])))
    store.engine.dispose()


@pytest.fixture(scope="session")
def guarded(tmp_path_factory) -> Iterator[Servers]:
    """Real servers running with RASA_TOKEN (normal log level, as scripts/run.sh starts them),
    on a tracker store seeded with an old and a recent conversation (SEEDED)."""
    tmp = tmp_path_factory.mktemp("hostile")
    seed_tracker(tmp / "tracker.db")
    with running_servers(tmp, extra_env={"RASA_TOKEN": TOKEN}, log_prefix=LOG_PREFIX) as running:
        yield running


@pytest.fixture(scope="session")
def token() -> str:
    return TOKEN


@pytest.fixture(scope="session")
def server_logs():
    """Reads both servers' captured logs (call it after the requests)."""

    def read() -> str:
        return "\n".join(
            (OUTPUT / f"{LOG_PREFIX}{name}.log").read_text(encoding="utf-8", errors="replace") for name in ("rasa", "actions")
        )

    return read


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60.0) as client:
        yield client
