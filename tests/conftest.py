"""Shared test fixtures: project paths, the locale catalogue and the NLU examples."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, List

import pytest

from tools.servers import Servers, free_port, running_servers
from valkommen.core.examples import Example, read_examples
from valkommen.core.locales import Catalogue, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Fixtures that start real servers, and those that open a browser (tests/conftest.py and the
#: folders' own conftest files); a test using none of them needs no server: it is a unit test.
SERVER_FIXTURES = {"servers", "guarded", "make_run", "bot", "deployment", "cluster", "demo_url"}
BROWSER_FIXTURES = {"page", "browser"}
KINDS = ("unit", "e2e", "browser", "scaleout", "container")


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Marks every test by what it needs (``make unit`` runs ``-m unit``)."""
    for item in items:
        if any(item.get_closest_marker(kind) for kind in KINDS):
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        path = str(item.path)
        if "/reliability/" in path:
            item.add_marker(pytest.mark.scaleout)
        elif "/deploy/" in path and "test_manifests" not in path:
            item.add_marker(pytest.mark.container)
        elif fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        elif fixtures & SERVER_FIXTURES:
            item.add_marker(pytest.mark.e2e)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The project's real locales."""
    return load_catalogue(ROOT / "locales")


@pytest.fixture(scope="session")
def training_examples() -> List[Example]:
    """The NLU training examples."""
    return read_examples(ROOT / "nlu_data" / "nlu")


@pytest.fixture(scope="session")
def heldout_examples() -> List[Example]:
    """The held-out examples, never used for training."""
    return read_examples(ROOT / "tests" / "nlu" / "heldout")


@pytest.fixture(scope="session")
def web_origin() -> str:
    """The origin the web widget's demo pages are served from in tests (Rasa allows it by CORS)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def servers(tmp_path_factory, web_origin) -> Iterator[Servers]:
    """One real Rasa server + action server pair (SQLite tracker) shared by all tests that need it."""
    with running_servers(tmp_path_factory.mktemp("servers"), cors=[web_origin]) as running:
        yield running
