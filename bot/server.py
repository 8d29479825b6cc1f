"""Starts the Rasa server (``rasa run ...``) with request checks in front of its HTTP API.

Rasa answers a malformed body on ``/model/parse`` with a 500 and a body without a
``message`` on the REST channel with silence. This launcher adds one Sanic request
middleware to Rasa's own app that answers such requests with a clear 4xx instead.
Usage: ``python -m bot.server run --model ... --enable-api`` (same arguments as ``rasa``).
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from bot import log_privacy, privacy_api, retention
from bot.payloads import payload_problem, problem_status, unparsable_body_problem

#: POST endpoints whose JSON body is checked, and the field holding the user's text.
CHECKED_ENDPOINTS = {"/model/parse": "text", "/webhooks/rest/webhook": "message"}


async def check_request(request: Any) -> Optional[Any]:
    """Sanic request middleware: a 4xx JSON answer for a body Rasa cannot take."""
    from sanic import response

    field = CHECKED_ENDPOINTS.get(request.path.rstrip("/"))
    if request.method != "POST" or field is None:
        return None
    try:  # Sanic's own parser, so the check sees exactly what Rasa will see
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises InvalidUsage for any unparsable body
        problem = unparsable_body_problem(request.headers.get("content-type"))
    else:
        problem = payload_problem(body, field)
    if problem is None:
        return None
    status = problem_status(problem)
    return response.json({"status": "failure", "reason": "BadRequest", "message": problem, "code": status}, status=status)


def install() -> None:
    """Makes Rasa's app factory add ``check_request`` to every app it creates."""
    from rasa import server

    original = server.create_app
    if getattr(original, "_valkommen_checked", False):
        return

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(check_request, "request")
        privacy_api.register(app, kwargs.get("auth_token"))  # forget-me endpoint
        retention.schedule(app)  # retention job: at start, then daily
        return app

    create_app._valkommen_checked = True  # type: ignore[attr-defined]
    server.create_app = create_app


def main() -> None:
    """Runs the ``rasa`` command line with the request checks installed."""
    log_privacy.guard(sys.argv[1:])  # no --debug: it would log users' messages
    install()
    from bot import speedups

    speedups.install()  # per-message costs inside Rasa found by profiling (bot/speedups.py)
    from bot.fault_replies import install as install_fault_handling  # store check, action timeout, no silence

    install_fault_handling(sys.argv[1:])
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
