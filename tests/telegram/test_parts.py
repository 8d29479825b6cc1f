"""Settings, limits, the inline cache, log redaction and the Rasa client's retries, without servers."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from valkommen.channels.telegram.handlers import without_bot_mention
from valkommen.channels.telegram.inline import split_prefix
from valkommen.channels.telegram.limits import RateLimiter, ttl_cache
from valkommen.channels.telegram.rasa_client import RasaClient, RasaUnavailable
from valkommen.channels.telegram.redact import REDACTED, install_redaction
from valkommen.channels.telegram.settings import DEFAULT_API_URL, SettingsError, TelegramSettings


def test_settings_need_a_token_and_have_defaults():
    with pytest.raises(SettingsError):
        TelegramSettings.from_env({})
    settings = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert settings.api_url == DEFAULT_API_URL and settings.webhook_url is None
    assert settings.rasa_url == "http://localhost:5005" and settings.retention_days == 21
    assert "1:abc" not in repr(settings)


def test_settings_read_every_variable():
    env = {
        "TELEGRAM_BOT_TOKEN": "1:abc",
        "TELEGRAM_API_URL": "http://api.local/bot",
        "RASA_URL": "http://rasa:5005/",
        "RASA_TOKEN": "secret",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example/telegram",
        "RETENTION_DAYS": "14",
    }
    settings = TelegramSettings.from_env(env)
    assert (settings.api_url, settings.rasa_url, settings.rasa_token) == ("http://api.local/bot", "http://rasa:5005", "secret")
    assert settings.webhook_url == "https://bot.example/telegram" and settings.retention_days == 14


def test_a_malformed_telegram_setting_names_the_variable():
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_PORT: must be a TCP port number"):
        TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_PORT": "port"})
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN: is not set"):
        TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": "  "})


def test_the_flood_limit_warns_once_per_window():
    now = [0.0]
    limiter = RateLimiter(limit=2, window=10, clock=lambda: now[0])
    assert [limiter.allow("u") for _ in range(4)] == [(True, False), (True, False), (False, True), (False, False)]
    assert limiter.allow("other") == (True, False)
    now[0] = 11.0
    assert limiter.allow("u") == (True, False)


def test_the_inline_cache_expires_and_evicts():
    now = [0.0]
    cache = ttl_cache(size=2, ttl=5, clock=lambda: now[0])
    cache["a"] = 1
    cache["b"] = 2
    cache.get("a")
    cache["c"] = 3  # evicts b, the least recently used
    assert list(cache) == ["a", "c"]
    now[0] = 6.0
    assert cache.get("a") is None


def test_a_language_prefix_picks_the_answer_language():
    assert split_prefix("ar: school") == ("ar", "school")
    assert split_prefix("HR:skola") == ("bs", "skola")
    assert split_prefix("xx: school") == (None, "xx: school")
    assert split_prefix("Hur söker jag förskola?") == (None, "Hur söker jag förskola?")


def test_secrets_are_redacted_from_every_log_record(caplog):
    install_redaction(["123:SECRET-TOKEN-VALUE"])
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx.anything").warning("POST https://api/bot%s/getMe", "123:SECRET-TOKEN-VALUE")
        try:
            raise RuntimeError("url bot123:SECRET-TOKEN-VALUE failed")
        except RuntimeError:
            logging.getLogger("telegram.ext").exception("failed")
    assert "SECRET-TOKEN-VALUE" not in caplog.text
    assert REDACTED in caplog.text
    assert logging.getLogger("httpx").level == logging.WARNING


def test_the_rasa_client_retries_connection_errors_then_gives_up():
    attempts = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request.url.path)
        raise httpx.ConnectError("refused", request=request)

    client = RasaClient("http://rasa", attempts=3, backoff=0.0, client=httpx.AsyncClient(transport=httpx.MockTransport(refuse)))
    with pytest.raises(RasaUnavailable):
        asyncio.run(client.send("s", "Hej", {}))
    assert attempts == ["/webhooks/rest/webhook"] * 3


def test_the_rasa_token_goes_to_the_http_api_in_a_header_never_in_the_url():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        assert "tok" not in str(request.url)
        seen.append((request.url.path, request.headers.get("authorization")))
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json=[] if request.url.path.startswith("/webhooks") else {"intent": {}})

    client = RasaClient("http://rasa", token="tok", client=httpx.AsyncClient(transport=httpx.MockTransport(answer)))

    async def calls() -> bool:
        await client.send("s", "Hej", {})
        await client.parse("Hej")
        return await client.delete_conversation("s")

    assert asyncio.run(calls()) is True
    assert seen == [("/webhooks/rest/webhook", None), ("/model/parse", "Bearer tok"), ("/privacy/conversations/s", "Bearer tok")]


def test_a_group_command_loses_the_bots_name_before_it_goes_to_rasa():
    assert without_bot_mention("/thanks@valkommen_bot") == "/thanks"
    assert without_bot_mention('/change_language{"language":"ar"}') == '/change_language{"language":"ar"}'
    assert without_bot_mention("mail me@example.org") == "mail me@example.org"
