"""A real Rasa + action server pair with Rasa's API token switched on, for hostile and privacy tests.

Its logs go to test-output/hostile-rasa.log and hostile-actions.log (the privacy tests read them).
"""

from __future__ import annotations

import secrets
from typing import Iterator

import httpx
import pytest

from tests.servers import OUTPUT, Servers, running_servers

#: A token that appears nowhere else, so the log test can look for it.
TOKEN = "tok" + secrets.token_hex(16)
LOG_PREFIX = "hostile-"


@pytest.fixture(scope="session")
def guarded(tmp_path_factory) -> Iterator[Servers]:
    """Real servers running with RASA_TOKEN (normal log level, as scripts/run.sh starts them)."""
    with running_servers(
        tmp_path_factory.mktemp("hostile"), extra_env={"RASA_TOKEN": TOKEN}, log_prefix=LOG_PREFIX
    ) as running:
        yield running


@pytest.fixture(scope="session")
def token() -> str:
    return TOKEN


@pytest.fixture(scope="session")
def server_logs():
    """Reads both servers' captured logs (call it after the requests)."""

    def read() -> str:
        return "\n".join(
            (OUTPUT / f"{LOG_PREFIX}{name}.log").read_text(encoding="utf-8", errors="replace")
            for name in ("rasa", "actions")
        )

    return read


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60.0) as client:
        yield client
