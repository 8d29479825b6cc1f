"""Starts the rasa-sdk action server with request checks and a private error answer.

rasa-sdk answers a /webhook body that is JSON but not an action call (a list, a number, a
call without a tracker) with a 500, and any failure with a 500 whose body echoes the whole
request (the user's message and metadata). This launcher patches rasa-sdk's app factory:

- a request middleware answers a malformed action call with a clear 400 (bot.payloads);
- the exception handler answers 500 with the action's name only and logs only the
  exception's type, never the request.

Usage: ``python -m bot.action_server --actions actions --port 5055`` (rasa-sdk's arguments).
"""

from __future__ import annotations

import logging
import sys
import zlib
from typing import Any, Optional

from bot import log_privacy
from bot.payloads import action_call_problem

LOGGER = logging.getLogger(__name__)


def _error(status: int, message: str, action_name: Optional[str] = None) -> Any:
    from sanic import response

    return response.json({"error": message, "action_name": action_name}, status=status)


async def check_action_call(request: Any) -> Optional[Any]:
    """Sanic request middleware: a 400 for a /webhook body rasa-sdk cannot run."""
    if request.method != "POST" or request.path.rstrip("/") != "/webhook":
        return None
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            import json

            body = json.loads(zlib.decompress(request.body))
        else:
            body = request.json
    except Exception:  # noqa: BLE001 - any unreadable body is the client's error
        return _error(400, "the body is not a valid JSON action call")
    problem = action_call_problem(body)
    return _error(400, problem) if problem else None


async def private_error(request: Any, exception: Exception) -> Any:
    """Exception handler: 500 without the request body; logs the type and the action only."""
    from sanic.exceptions import SanicException

    if isinstance(exception, SanicException) and getattr(exception, "status_code", 500) < 500:
        return _error(exception.status_code, "bad request")
    action_name = None
    try:
        action_name = (request.json or {}).get("next_action")
    except Exception:  # noqa: BLE001
        pass
    LOGGER.error("Action %s failed: %s", action_name, type(exception).__name__)
    return _error(500, "the action failed", action_name if isinstance(action_name, str) else None)


def install() -> None:
    """Makes rasa-sdk's app factory add the checks to every app it creates."""
    from rasa_sdk import endpoint

    original = endpoint.create_app
    if getattr(original, "_valkommen_checked", False):
        return

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(check_action_call, "request")
        app.error_handler.add(Exception, private_error)
        return app

    create_app._valkommen_checked = True  # type: ignore[attr-defined]
    endpoint.create_app = create_app


def main() -> None:
    """Runs rasa-sdk's command line with the checks installed (never at debug level)."""
    log_privacy.guard(sys.argv[1:])
    install()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
