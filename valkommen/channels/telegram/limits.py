"""Per-user message limit and the queue of messages kept while Rasa is unavailable.

Telegram's own limits on what the bot sends (about 30 messages a second overall, 20 a minute in a
group) and its flood control (429 with retry_after) are PTB's ``AIORateLimiter``, installed in
app.py. It throttles the bot's outgoing requests only; it does not stop one user from sending
hundreds of messages that each cost a Rasa turn. That is what ``RateLimiter`` here does: at most
N incoming messages per user in a sliding window, one warning, then silence.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, Hashable, Optional, Tuple

import cachetools


class RateLimiter:
    """At most ``limit`` messages per user in a sliding ``window`` of seconds (against spam: PTB's
    rate limiter only paces what the bot sends)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._times: Dict[Hashable, Deque[float]] = {}
        self._warned: Dict[Hashable, float] = {}

    def allow(self, user: Hashable) -> Tuple[bool, bool]:
        """(allowed, warn): whether to handle this message, and whether to warn the user now.

        A user over the limit is warned once per window; further messages are ignored.
        """
        now = self._clock()
        times = self._times.setdefault(user, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.pop(user, None)
            return True, False
        warned_at = self._warned.get(user)
        if warned_at is None or now - warned_at > self.window:
            self._warned[user] = now
            return False, True
        return False, False


@dataclass
class KeptMessage:
    """A message Rasa could not take yet."""

    chat_id: int
    sender: str
    text: str
    metadata: Dict[str, Any]
    language: str
    kept_at: float = field(default_factory=time.monotonic)


class PendingQueue:
    """Messages kept while Rasa is unavailable, oldest first; bounded (the oldest go first)."""

    def __init__(self, size: int = 1000) -> None:
        self._items: Deque[KeptMessage] = deque(maxlen=size)

    def keep(self, message: KeptMessage) -> None:
        """Adds a message to the end of the queue."""
        self._items.append(message)

    def peek(self) -> Optional[KeptMessage]:
        """The oldest kept message."""
        return self._items[0] if self._items else None

    def pop(self) -> None:
        """Removes the oldest kept message."""
        self._items.popleft()

    def __len__(self) -> int:
        return len(self._items)


def ttl_cache(size: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> cachetools.TTLCache:
    """A small LRU cache whose entries expire after ``ttl`` seconds (cachetools, which PTB's
    arbitrary callback data already needs)."""
    return cachetools.TTLCache(maxsize=size, ttl=ttl, timer=clock)
