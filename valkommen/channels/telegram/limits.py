"""Per-user flood limit and the queue of messages kept while Rasa is unavailable."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, Generic, Hashable, List, Optional, Tuple, TypeVar


class RateLimiter:
    """At most ``limit`` messages per user in a sliding ``window`` of seconds."""

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


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """A small LRU cache whose entries expire after ``ttl`` seconds."""

    def __init__(self, size: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.ttl = ttl
        self._clock = clock
        self._items: "OrderedDict[K, Tuple[float, V]]" = OrderedDict()

    def get(self, key: K) -> Optional[V]:
        """The cached value, None if absent or expired."""
        entry = self._items.get(key)
        if entry is None:
            return None
        stored, value = entry
        if self._clock() - stored > self.ttl:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Stores ``value``, evicting the least recently used entry when full."""
        self._items[key] = (self._clock(), value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def keys(self) -> List[K]:
        """The keys currently held (least recently used first)."""
        return list(self._items)
