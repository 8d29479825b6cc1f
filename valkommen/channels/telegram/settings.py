"""Typed settings of the Telegram front end, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Optional

DEFAULT_API_URL = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """A required setting is missing or a value is malformed."""


@dataclass(frozen=True)
class TelegramSettings:
    """Everything the Telegram bot needs. The token is kept out of ``repr``."""

    token: str = field(repr=False)
    rasa_url: str = "http://localhost:5005"
    rasa_token: Optional[str] = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    webhook_url: Optional[str] = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    retention_days: int = 30
    rasa_timeout: float = 4.0  # seconds per attempt
    rasa_attempts: int = 3  # bounded so the user hears back within a few seconds
    retry_interval: float = 10.0  # seconds between redelivery rounds of kept messages
    rate_limit_messages: int = 20  # per user ...
    rate_limit_window: float = 60.0  # ... per this many seconds
    inline_cache_size: int = 256
    inline_cache_ttl: float = 600.0
    poll_timeout: int = 10  # long-polling timeout of getUpdates

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "TelegramSettings":
        """Reads the settings; TELEGRAM_BOT_TOKEN is required and has no default."""
        env = os.environ if env is None else env
        token = (env.get("TELEGRAM_BOT_TOKEN") or "").strip()
        if not token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set")
        rasa_url = env.get("RASA_URL") or f"http://localhost:{env.get('RASA_PORT') or 5005}"
        try:
            return cls(
                token=token,
                rasa_url=rasa_url.rstrip("/"),
                rasa_token=env.get("RASA_TOKEN") or None,
                api_url=env.get("TELEGRAM_API_URL") or DEFAULT_API_URL,
                webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
                webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
                webhook_port=int(env.get("TELEGRAM_WEBHOOK_PORT") or 8443),
                retention_days=int(env.get("RETENTION_DAYS") or 30),
                rate_limit_messages=int(env.get("TELEGRAM_RATE_LIMIT") or 20),
            )
        except ValueError as error:
            raise SettingsError(f"malformed Telegram setting: {error}") from error
