"""Starts the rasa-sdk action server with request checks and a private error answer.

rasa-sdk answers a /webhook body that is JSON but not an action call (a list, a number, a
call without a tracker) with a 500, and any failure with a 500 whose body echoes the whole
request (the user's message and metadata); it listens on every interface and runs any action
for anyone. This launcher patches rasa-sdk's app factory:

- it binds to ``BIND_HOST`` (default 127.0.0.1);
- a call must carry ``Authorization: Bearer $ACTION_SERVER_TOKEN`` (Rasa sends it: see
  ``endpoints.yml``), else 401; the launcher refuses to start without that secret;
- a body is at most ``MAX_BODY_BYTES``, also after decompression (else 413);
- a request middleware answers a malformed action call with a clear 400 (valkommen.server.payloads);
- the exception handler answers 500 with the action's name only and logs only the
  exception's type, never the request.

Usage: ``python -m valkommen.server.action_server --actions actions --port 5055`` (rasa-sdk's arguments).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import zlib
from typing import Any, Optional

from valkommen.core.settings import exit_on_error
from valkommen.server import access, log_privacy
from valkommen.server.payloads import action_call_problem

LOGGER = logging.getLogger(__name__)

#: The largest action call accepted, compressed or not (a call holds the conversation since its
#: session started; sessions are bounded, see valkommen.server.sessions).
MAX_BODY_BYTES = 4 * 1024 * 1024


class BodyTooLarge(ValueError):
    """A request body, or what it decompresses to, is larger than ``MAX_BODY_BYTES``."""


def inflate(body: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    """A deflate body decompressed, never more than ``limit`` bytes (a zip bomb stops there)."""
    data = zlib.decompressobj().decompress(body, limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(f"the body is larger than {limit} bytes")
    return data


def _error(status: int, message: str, action_name: Optional[str] = None) -> Any:
    from sanic import response

    return response.json({"error": message, "action_name": action_name}, status=status)


def secret_gate(secret: Optional[str]) -> Any:
    """A Sanic request middleware: only callers with the shared secret may run actions."""

    async def require_secret(request: Any) -> Optional[Any]:
        if request.path.rstrip("/") in ("/health", ""):
            return None
        presented = access.presented_token(request.headers, None)
        if not access.token_matches(secret, presented):
            return _error(401, "this action server answers only the Rasa server (Authorization: Bearer)")
        return None

    return require_secret


async def check_action_call(request: Any) -> Optional[Any]:
    """Sanic request middleware: a 413 for an oversized body, a 400 for one rasa-sdk cannot run."""
    if request.method != "POST" or request.path.rstrip("/") != "/webhook":
        return None
    try:
        if len(request.body or b"") > MAX_BODY_BYTES:
            raise BodyTooLarge
        if request.headers.get("Content-Encoding") == "deflate":
            body = json.loads(inflate(request.body))
        else:
            body = request.json
    except BodyTooLarge:
        return _error(413, f"the action call is larger than {MAX_BODY_BYTES} bytes")
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


def install(secret: Optional[str]) -> None:
    """Makes rasa-sdk's app factory add the checks to every app it creates."""
    from rasa_sdk import endpoint

    original = endpoint.create_app
    if getattr(original, "_valkommen_checked", False):
        return

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
        app.register_middleware(secret_gate(secret), "request")
        app.register_middleware(check_action_call, "request")
        app.error_handler.add(Exception, private_error)
        return app

    create_app._valkommen_checked = True  # type: ignore[attr-defined]
    endpoint.create_app = create_app


def main() -> None:
    """Runs rasa-sdk's command line with the checks installed (never at debug level)."""
    config = exit_on_error()  # a bad setting: "error: NAME: ..." and status 2
    log_privacy.guard(sys.argv[1:])
    secret = config.reveal("action_server_token")
    if not secret:
        print(
            "error: ACTION_SERVER_TOKEN is not set: the action server answers only callers with this shared "
            "secret (the Rasa server sends it, endpoints.yml). scripts/env.sh makes one for `make run`.",
            file=sys.stderr,
        )
        sys.exit(2)
    os.environ["SANIC_HOST"] = config.bind_host  # rasa-sdk binds to SANIC_HOST (its own default: 0.0.0.0)
    install(secret)
    from valkommen.core.masking import install_log_masking

    install_log_masking()  # personal numbers, phones, e-mails masked in any log line
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
