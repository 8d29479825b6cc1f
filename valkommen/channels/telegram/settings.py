"""The Telegram front end's settings: its part of the project's settings (valkommen.core.settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from valkommen.core.settings import Settings, SettingsError, load_settings, settings

__all__ = ["DEFAULT_API_URL", "SettingsError", "TelegramSettings"]

DEFAULT_API_URL: str = Settings.__fields__["telegram_api_url"].default


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
    retention_days: int = Settings.__fields__["retention_days"].default
    rasa_timeout: float = 4.0  # seconds per attempt
    rasa_attempts: int = 3  # bounded so the user hears back within a few seconds
    retry_interval: float = 10.0  # seconds between redelivery rounds of kept messages
    rate_limit_messages: int = 20  # per user ...
    rate_limit_window: float = 60.0  # ... per this many seconds
    inline_cache_size: int = 256
    inline_cache_ttl: float = 600.0
    poll_timeout: int = 10  # long-polling timeout of getUpdates

    @classmethod
    def from_settings(cls, config: Settings) -> "TelegramSettings":
        """The bot's part of the project's settings; TELEGRAM_BOT_TOKEN is required and has no default."""
        token = config.reveal("telegram_bot_token")
        if not token:
            raise SettingsError(["TELEGRAM_BOT_TOKEN: is not set (the bot's token from @BotFather)"])
        return cls(
            token=token,
            rasa_url=config.rasa_url or "",
            rasa_token=config.reveal("rasa_token"),
            api_url=config.telegram_api_url,
            webhook_url=config.telegram_webhook_url,
            webhook_listen=config.telegram_webhook_listen,
            webhook_port=config.telegram_webhook_port,
            retention_days=config.retention_days,
            rate_limit_messages=config.telegram_rate_limit,
        )

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "TelegramSettings":
        """Reads the settings from ``env`` (default: the process's); a bad value is a SettingsError."""
        return cls.from_settings(settings() if env is None else load_settings(env))
