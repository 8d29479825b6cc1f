"""Fixtures: the fake Bot API, the bot long-polling it, the real Rasa + action servers behind."""

from __future__ import annotations

import io
import logging
from typing import Iterator

import pytest

from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.harness import BotRunner
from valkommen.channels.telegram.settings import TelegramSettings

TOKEN = "123456789:TEST-token-ABCdefGHIjklMNOpqrSTUvwxYZ012"


@pytest.fixture(scope="module")
def log_capture() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and above while the bots run, as text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("telegram", "bot"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def bot(servers, bot_api, catalogue, log_capture) -> Iterator[BotRunner]:
    """The bot, talking to the real servers; a small flood limit so the test can reach it."""
    settings = TelegramSettings(
        token=TOKEN,
        rasa_url=servers.rasa_url,
        rasa_token=servers.token,
        api_url=bot_api.base_url,
        rate_limit_messages=6,
        retry_interval=0.5,
    )
    runner = BotRunner(settings, catalogue).start()
    yield runner
    runner.stop()
