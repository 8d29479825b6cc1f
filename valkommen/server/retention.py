"""Deleting tracker events: the retention job and one sender's whole conversation.

Retention: events older than ``RETENTION_DAYS`` (default 21) are deleted from the SQL tracker
store. ``make retention`` (``python -m valkommen.server.retention``) runs it once against the store configured
in endpoints.yml; the Rasa server (valkommen/server/rasa_server.py) also runs it once at start and then every
24 hours while it runs (``schedule``), on its own tracker store.

Works on Rasa's ``SQLTrackerStore`` (SQLite, PostgreSQL) by deleting rows of its ``events``
table, and on the in-memory store. Other stores are reported as unsupported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from typing import Any, Mapping, Optional, Set

from valkommen.core.settings import Settings, exit_on_error, load_settings, settings

LOGGER = logging.getLogger(__name__)

#: Days tracker events are kept: 21 (the privacy issue's figure; it was 30).
DEFAULT_RETENTION_DAYS: int = Settings.__fields__["retention_days"].default
#: Seconds between two runs of the retention job inside the Rasa server.
RUN_EVERY_SECONDS = 24 * 60 * 60


class UnsupportedTrackerStore(RuntimeError):
    """The tracker store is neither Rasa's SQL store nor its in-memory store."""


def retention_days(env: Optional[Mapping[str, str]] = None) -> int:
    """``RETENTION_DAYS`` of the settings (default 21), read from ``env`` when given; a value that is
    not a whole number ≥ 1 is a ``SettingsError`` (a ValueError) naming the variable."""
    return (settings() if env is None else load_settings(env)).retention_days


def base_store(store: Any) -> Any:
    """The real store inside Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore)."""
    seen = set()
    while hasattr(store, "_tracker_store") and id(store) not in seen:
        seen.add(id(store))
        store = store._tracker_store
    return store


def _sql_event_class(store: Any) -> Optional[Any]:
    from rasa.core.tracker_store import SQLTrackerStore

    return store.SQLEvent if isinstance(store, SQLTrackerStore) else None


def _in_memory(store: Any) -> bool:
    from rasa.core.tracker_store import InMemoryTrackerStore

    return isinstance(store, InMemoryTrackerStore)


def delete_events_before(store: Any, cutoff: float) -> int:
    """Deletes every event with a timestamp before ``cutoff`` (Unix seconds); returns how many."""
    store = base_store(store)
    event = _sql_event_class(store)
    if event is not None:
        with store.session_scope() as session:
            deleted = session.query(event).filter(event.timestamp < cutoff).delete(synchronize_session=False)
            session.commit()
        return int(deleted)
    if _in_memory(store):
        return _trim_in_memory(store, cutoff)
    raise UnsupportedTrackerStore(type(store).__name__)


def _trim_in_memory(store: Any, cutoff: float) -> int:
    """Retention for Rasa's in-memory store: rewrites each tracker without its old events."""
    deleted = 0
    for sender_id in list(store.store.keys()):
        dialogue = json.loads(store.store[sender_id])
        events = dialogue.get("events") or []
        kept = [e for e in events if (e.get("timestamp") or 0) >= cutoff]
        deleted += len(events) - len(kept)
        if not kept:
            del store.store[sender_id]
        elif len(kept) != len(events):
            dialogue["events"] = kept
            store.store[sender_id] = json.dumps(dialogue)
    return deleted


def delete_sender(store: Any, sender_id: str) -> int:
    """Deletes every event of ``sender_id``; returns how many (0: no such conversation)."""
    store = base_store(store)
    event = _sql_event_class(store)
    if event is not None:
        with store.session_scope() as session:
            deleted = session.query(event).filter(event.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
        return int(deleted)
    if _in_memory(store):
        serialised = store.store.pop(sender_id, None)
        if serialised is None:
            return 0
        return max(1, len(json.loads(serialised).get("events") or []))
    raise UnsupportedTrackerStore(type(store).__name__)


def count_user_messages(store: Any, sender_id: str) -> int:
    """How many user messages of ``sender_id`` the store holds (0: none, or no such conversation)."""
    store = base_store(store)
    event = _sql_event_class(store)
    if event is not None:
        with store.session_scope() as session:
            return int(session.query(event).filter(event.sender_id == sender_id, event.type_name == "user").count())
    if _in_memory(store):
        serialised = store.store.get(sender_id)
        events = json.loads(serialised).get("events") or [] if serialised is not None else []
        return sum(1 for e in events if e.get("event") == "user")
    raise UnsupportedTrackerStore(type(store).__name__)


def stored_erase_keys(store: Any, sender_id: str) -> Set[str]:
    """The ``erase_key`` values the user messages of ``sender_id`` carry in their metadata (the
    hashes of the conversation's erase secret, ``valkommen.server.payloads.erase_key``)."""
    store = base_store(store)
    event = _sql_event_class(store)
    if event is not None:
        with store.session_scope() as session:
            rows = session.query(event.data).filter(event.sender_id == sender_id, event.type_name == "user").all()
        dumped = [row[0] for row in rows]
    elif _in_memory(store):
        serialised = store.store.get(sender_id)
        events = json.loads(serialised).get("events") or [] if serialised is not None else []
        dumped = [json.dumps(e) for e in events if e.get("event") == "user"]
    else:
        raise UnsupportedTrackerStore(type(store).__name__)
    keys = set()
    for data in dumped:
        try:
            metadata = json.loads(data).get("metadata") or {}
        except (TypeError, ValueError, AttributeError):
            continue
        key = metadata.get("erase_key") if isinstance(metadata, dict) else None
        if isinstance(key, str):
            keys.add(key)
    return keys


def run_once(store: Any, days: int, now: Optional[float] = None) -> int:
    """One retention run: deletes events older than ``days`` days; logs only the count."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    deleted = delete_events_before(store, cutoff)
    LOGGER.info("Retention: deleted %d tracker events older than %d days.", deleted, days)
    return deleted


def schedule(app: Any) -> None:
    """Runs retention on the Rasa app's tracker store at start and every 24 h while it runs."""

    async def loop_forever(running_app: Any) -> None:
        days = retention_days()
        while True:
            agent = getattr(running_app.ctx, "agent", None)
            if agent is not None and agent.tracker_store is not None:
                try:
                    await asyncio.get_running_loop().run_in_executor(None, run_once, agent.tracker_store, days)
                except UnsupportedTrackerStore as error:
                    LOGGER.warning("Retention: tracker store %s is not supported; not run.", error)
                    return
                except Exception as error:  # keep the server up; try again next day
                    LOGGER.error("Retention run failed: %s", type(error).__name__)
            await asyncio.sleep(RUN_EVERY_SECONDS)

    async def start(running_app: Any, _loop: Any) -> None:
        running_app.ctx.valkommen_retention = asyncio.get_running_loop().create_task(loop_forever(running_app))

    async def stop(running_app: Any, _loop: Any) -> None:
        task = getattr(running_app.ctx, "valkommen_retention", None)
        if task is not None:
            task.cancel()

    app.register_listener(start, "after_server_start")
    app.register_listener(stop, "before_server_stop")


def store_from_endpoints(path: str) -> Any:
    """The tracker store configured in an endpoints file (environment variables substituted)."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.core.utils import AvailableEndpoints

    endpoints = AvailableEndpoints.read_endpoints(path)
    if endpoints.tracker_store is None:
        raise UnsupportedTrackerStore("no tracker_store in " + path)
    return TrackerStore.create(endpoints.tracker_store)


def main(argv: Optional[list] = None) -> int:
    """Command line: ``python -m valkommen.server.retention [--endpoints endpoints.yml] [--days N]``."""
    parser = argparse.ArgumentParser(description="Delete tracker events older than RETENTION_DAYS.")
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--days", type=int, default=None, help=f"default: RETENTION_DAYS or {DEFAULT_RETENTION_DAYS}")
    args = parser.parse_args(argv)
    config = exit_on_error()  # a bad setting: "error: NAME: ..." and status 2
    if args.days is not None and args.days < 1:
        parser.error("--days must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    days = args.days if args.days is not None else config.retention_days
    try:
        deleted = run_once(store_from_endpoints(args.endpoints), days)
    except UnsupportedTrackerStore as error:
        print(f"error: unsupported tracker store: {error}", file=sys.stderr)
        return 1
    print(f"deleted {deleted} tracker events older than {days} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
