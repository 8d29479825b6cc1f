"""Keeps message text out of the server logs: no debug logging unless explicitly allowed.

At their normal level (INFO) Rasa and rasa-sdk log no message text, sender id or token
(tests/hostile/test_privacy_http.py checks the real servers' logs). At DEBUG both log whole
messages, parse results and trackers, and Sanic's access log shows ``?token=``. The server
launchers (valkommen.server.rasa_server, valkommen.server.action_server) therefore refuse to start with ``--debug``/``-vv`` or
``LOG_LEVEL=DEBUG`` unless ``ALLOW_TEXT_IN_LOGS=1`` is set (for a developer's own machine only).
"""

from __future__ import annotations

import os
import sys
from typing import Mapping, Optional, Sequence

DEBUG_FLAGS = ("--debug", "-vv")


def debug_requested(argv: Sequence[str], env: Mapping[str, str]) -> bool:
    """Whether these arguments or this environment would make Rasa or rasa-sdk log at DEBUG."""
    if any(arg in DEBUG_FLAGS for arg in argv):
        return True
    return any((env.get(name) or "").strip().upper() == "DEBUG" for name in ("LOG_LEVEL", "LOG_LEVEL_LIBRARIES"))


def guard(argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> None:
    """Exits with status 2 when debug logging was asked for without ALLOW_TEXT_IN_LOGS=1."""
    env = os.environ if env is None else env
    if debug_requested(argv, env) and env.get("ALLOW_TEXT_IN_LOGS") != "1":
        print(
            "error: debug logging writes users' messages to the log; refused. "
            "Set ALLOW_TEXT_IN_LOGS=1 to allow it on a development machine.",
            file=sys.stderr,
        )
        sys.exit(2)
