"""Keeps message text out of the server logs: no debug logging unless explicitly allowed.

At their normal level (INFO) Rasa and rasa-sdk log no message text, sender id or token
(tests/hostile/test_privacy_http.py checks the real servers' logs). At DEBUG both log whole
messages, parse results and trackers, and Sanic's access log shows ``?token=``. The server
launchers (valkommen.server.rasa_server, valkommen.server.action_server) therefore refuse to start with ``--debug``/``-vv`` or
``LOG_LEVEL=DEBUG`` unless ``ALLOW_TEXT_IN_LOGS=1`` is set (for a developer's own machine only).
"""

from __future__ import annotations

import sys
from typing import Mapping, Optional, Sequence

from valkommen.core.settings import load_settings, settings

DEBUG_FLAGS = ("--debug", "-vv")


def debug_requested(argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> bool:
    """Whether these arguments or this environment (default: the process's settings) would make
    Rasa or rasa-sdk log at DEBUG."""
    if any(arg in DEBUG_FLAGS for arg in argv):
        return True
    config = settings() if env is None else load_settings(env)
    return any((level or "").upper() == "DEBUG" for level in (config.log_level, config.log_level_libraries))


def guard(argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> None:
    """Exits with status 2 when debug logging was asked for without ALLOW_TEXT_IN_LOGS=1."""
    config = settings() if env is None else load_settings(env)
    if debug_requested(argv, env) and not config.allow_text_in_logs:
        print(
            "error: debug logging writes users' messages to the log; refused. "
            "Set ALLOW_TEXT_IN_LOGS=1 to allow it on a development machine.",
            file=sys.stderr,
        )
        sys.exit(2)
