"""Before ``rasa run`` starts: are the tracker store and lock store reachable?

Rasa's SQL tracker store retries an unreachable database every five seconds for ever (a
silent hang), and a Redis lock store fails only at the first message. This check connects
to both first, waits up to ``$STORE_WAIT_SECONDS`` (default 15) for a database that is still
starting, and otherwise exits with one clear line on stderr and status 3. Passwords are
never printed.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, List, Optional

from valkommen.core.settings import Settings, settings

#: Exit status when a store is unreachable at start.
EXIT_STORE_UNREACHABLE = 3
DEFAULT_WAIT_SECONDS = Settings.__fields__["store_wait_seconds"].default


def _option(argv: List[str], name: str, default: str) -> str:
    """The value of ``--name value`` or ``--name=value`` in ``argv``."""
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


def sql_url(config: Any) -> Any:
    """The database URL Rasa's SQLTrackerStore uses for this endpoint config (its ``get_db_url``)."""
    import sqlalchemy as sa

    kwargs = config.kwargs
    host = config.url
    if host and "://" in host:
        return sa.engine.make_url(host)
    return sa.engine.URL.create(
        kwargs.get("dialect", "sqlite"),
        kwargs.get("username"),
        kwargs.get("password"),
        host,
        kwargs.get("port"),
        kwargs.get("login_db") or kwargs.get("db", "rasa.db"),
        kwargs.get("query") or {},
    )


def check_sql(config: Any) -> Optional[str]:
    """None when the tracker store database answers, else what is wrong."""
    import sqlalchemy as sa

    url = sql_url(config)
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    try:
        engine = sa.create_engine(url, connect_args=connect_args)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any driver error means: not usable
        shown = url.render_as_string(hide_password=True)
        return f"the tracker store database {shown} is not reachable ({_first_line(error)})"
    return None


def check_redis(config: Any) -> Optional[str]:
    """None when the Redis lock store answers, else what is wrong."""
    import redis

    kwargs = config.kwargs
    host, port = config.url or "localhost", int(kwargs.get("port") or 6379)
    try:
        client = redis.StrictRedis(
            host=host,
            port=port,
            db=int(kwargs.get("db") or 1),
            username=kwargs.get("username") or None,
            password=kwargs.get("password") or None,
            ssl=bool(kwargs.get("use_ssl")),
            socket_timeout=5,
            socket_connect_timeout=5,
        )
        client.ping()
        client.close()
    except Exception as error:  # connection refused, auth, timeout
        return f"the Redis lock store at {host}:{port} is not reachable ({_first_line(error)})"
    return None


def store_problems(endpoints_file: str) -> List[str]:
    """What is unreachable among the stores configured in ``endpoints_file``."""
    from rasa.utils.endpoints import read_endpoint_config

    problems = []
    tracker = read_endpoint_config(endpoints_file, "tracker_store")
    if tracker is not None and str(tracker.type).lower() == "sql":
        problems.append(check_sql(tracker))
    lock = read_endpoint_config(endpoints_file, "lock_store")
    if lock is not None and str(lock.type).lower() == "redis":
        problems.append(check_redis(lock))
    return [p for p in problems if p]


def check_stores_or_exit(argv: Optional[List[str]] = None) -> None:
    """For ``run`` (not ``run actions``): exits with status 3 and a clear message if a store stays down."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "run" or (len(argv) > 1 and argv[1] == "actions"):
        return
    endpoints_file = _option(argv, "--endpoints", "endpoints.yml")
    if not os.path.exists(endpoints_file):
        return  # Rasa reports a missing endpoints file itself
    wait = settings().store_wait_seconds
    deadline = time.monotonic() + wait
    while True:
        problems = store_problems(endpoints_file)
        if not problems or time.monotonic() >= deadline:
            break
        time.sleep(1.0)
    if problems:
        for problem in problems:
            print(f"error: {problem}.", file=sys.stderr)
        print(
            f"error: not starting. Check TRACKER_STORE_URL / REDIS_HOST and the services in {endpoints_file}.",
            file=sys.stderr,
        )
        sys.exit(EXIT_STORE_UNREACHABLE)
