"""What the handlers share: settings, the Rasa client, locales and the small in-memory state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Dict

import cachetools
from telegram.ext import ContextTypes

from valkommen.channels.telegram.limits import PendingQueue, RateLimiter, ttl_cache
from valkommen.channels.telegram.rasa_client import RasaClient
from valkommen.channels.telegram.settings import TelegramSettings
from valkommen.core.locales import Catalogue

SERVICES_KEY = "valkommen"


@dataclass
class Services:
    """Shared by every handler through ``application.bot_data``."""

    settings: TelegramSettings
    rasa: RasaClient
    catalogue: Catalogue
    # Built from the settings in __post_init__.
    limiter: RateLimiter = field(init=False)
    pending: PendingQueue = field(default_factory=PendingQueue)
    inline_cache: cachetools.TTLCache = field(init=False)
    locks: Dict[int, asyncio.Lock] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_limit_messages, self.settings.rate_limit_window)
        self.inline_cache = ttl_cache(self.settings.inline_cache_size, self.settings.inline_cache_ttl)

    def lock(self, chat_id: int) -> asyncio.Lock:
        """One lock per chat: a user's messages reach Rasa in the order they were sent."""
        return self.locks.setdefault(chat_id, asyncio.Lock())


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared services of the running application."""
    return context.bot_data[SERVICES_KEY]
