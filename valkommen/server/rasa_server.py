"""Starts the Rasa server (``rasa run ...``) safe by default, with request checks in front of its HTTP API.

- **Exposure** (``valkommen.server.access``): it binds to ``BIND_HOST`` (default 127.0.0.1) unless
  ``--interface`` is given, and refuses to start beyond loopback without ``RASA_TOKEN``.
  Only the public routes (the REST webhook, health) are open; every other route needs the
  token, as ``?token=`` or ``Authorization: Bearer``. The token is ``--auth-token`` or
  ``RASA_TOKEN``; this launcher checks it itself (Rasa's own check knows only ``?token=``).
- **Bodies**: Rasa answers a malformed body on ``/model/parse`` with a 500 and a body without
  a ``message`` on the REST channel with silence; a request middleware answers with a clear
  4xx instead, and keeps only checked channel metadata (``valkommen.server.payloads.clean_metadata``).
- **Personal data** is masked in every tracker before the store writes it and in log lines
  (``valkommen.server.store_masking``); a shared location is rounded to about 100 m.
- **Typed payloads** are unpacked only when a button could have sent them (``valkommen.server.typed_payloads``).
Usage: ``python -m valkommen.server.rasa_server run --model ... --enable-api`` (same arguments as ``rasa``).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any, FrozenSet, List, Optional, Tuple

from valkommen.core.settings import exit_on_error, load_settings, settings
from valkommen.server import access, log_privacy, privacy_api, retention
from valkommen.server.payloads import clean_metadata, payload_problem, problem_status, unparsable_body_problem

#: POST endpoints whose JSON body is checked, and the field holding the user's text.
CHECKED_ENDPOINTS = {"/model/parse": "text", "/webhooks/rest/webhook": "message"}


def _failure(status: int, reason: str, message: str) -> Any:
    from sanic import response

    return response.json({"status": "failure", "reason": reason, "message": message, "code": status}, status=status)


def token_gate(token: Optional[str]) -> Any:
    """A Sanic request middleware that lets only public routes pass without ``token``."""

    async def require_token(request: Any) -> Optional[Any]:
        if access.is_public(request.method, request.path):
            return None
        presented = access.presented_token(request.headers, request.args.get("token"))
        refused = access.refusal(token, presented)
        return None if refused is None else _failure(*refused)

    return require_token


@lru_cache(maxsize=1)
def known_place_ids() -> FrozenSet[str]:
    """The meeting-place ids a page may name (the places data)."""
    from valkommen.core.places import load_directory

    return frozenset(place.id for place in load_directory().places)


async def check_request(request: Any) -> Optional[Any]:
    """Sanic request middleware: a 4xx JSON answer for a body Rasa cannot take."""
    field = CHECKED_ENDPOINTS.get(request.path.rstrip("/"))
    if request.method != "POST" or field is None:
        return None
    problem: Optional[str]
    try:  # Sanic's own parser, so the check sees exactly what Rasa will see
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises InvalidUsage for any unparsable body
        problem = unparsable_body_problem(request.headers.get("content-type"))
    else:
        problem = payload_problem(body, field)
    if problem is None:
        if field == "message" and "metadata" in body:  # Rasa reads the same parsed dictionary
            body["metadata"] = clean_metadata(body["metadata"], known_place_ids())
        return None
    status = problem_status(problem)
    return _failure(status, "BadRequest", problem)


def install(token: Optional[str] = None) -> None:
    """Makes Rasa's app factory add the token gate and ``check_request`` to every app it creates."""
    from rasa import server

    original = server.create_app
    if getattr(original, "_valkommen_checked", False):
        return

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(token_gate(token), "request")
        app.register_middleware(check_request, "request")
        privacy_api.register(app)  # forget-me endpoint (behind the token gate)
        retention.schedule(app)  # retention job: at start, then daily
        return app

    create_app._valkommen_checked = True  # type: ignore[attr-defined]
    server.create_app = create_app


def _take_option(argv: List[str], names: Tuple[str, ...]) -> Tuple[Optional[str], List[str]]:
    """The value of the first of ``names`` in ``argv`` and ``argv`` without it."""
    rest: List[str] = []
    value: Optional[str] = None
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        name, equals, inline = arg.partition("=")
        if name in names:
            if equals:
                value = inline
            elif index + 1 < len(argv):
                value, skip = argv[index + 1], True
            continue
        rest.append(arg)
    return value, rest


def serving_arguments(argv: List[str], env: Any = None) -> Tuple[List[str], Optional[str], str]:
    """``argv`` with the interface made explicit and the token taken out; the token; the interface.

    ``env``: a mapping of environment variables to read the settings from (default: the process's).
    """
    config = settings() if env is None else load_settings(env)
    token, argv = _take_option(argv, ("--auth-token",))
    token = token or config.reveal("rasa_token")
    interface, argv = _take_option(argv, ("-i", "--interface"))
    interface = interface or config.bind_host
    if argv and argv[0] == "run" and not (len(argv) > 1 and argv[1] == "actions"):
        argv = [*argv, "--interface", interface]
    return argv, token, interface


def main() -> None:
    """Runs the ``rasa`` command line with the request checks installed."""
    exit_on_error()  # a bad setting: "error: NAME: ..." and status 2, before Rasa is imported
    log_privacy.guard(sys.argv[1:])  # no --debug: it would log users' messages
    argv, token, interface = serving_arguments(sys.argv[1:])
    problem = access.exposure_problem(interface, token, "RASA_TOKEN")
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    install(token)
    from valkommen.core.masking import install_log_masking
    from valkommen.server import sessions, speedups, store_masking, typed_payloads

    install_log_masking()  # personal numbers, phones, e-mails masked in any log line
    store_masking.install()  # ... and in every tracker saved (valkommen/server/store_masking.py)

    speedups.install()  # per-message costs inside Rasa found by profiling (valkommen/server/speedups.py)
    typed_payloads.install()  # a typed "/intent{...}" is a payload only if a button could send it
    sessions.install()  # a new session every MAX_SESSION_TURNS messages: flat cost per message
    from valkommen.server.fault_replies import install as install_fault_handling  # store check, action timeout, no silence

    install_fault_handling(argv)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
