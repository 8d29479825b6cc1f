"""Who may call what: the public routes, the API token and the interface a server binds to.

The contract (DESIGN "HTTP API access"): without a token only what the channels need is
reachable on the Rasa server: the REST channel's webhook, a health route and the owner's
erase route (``POST /privacy/erase``, which needs the conversation's own secret). Every other
route (``/model/parse``, trackers and events, model load/unload/train, ``/status``, the
forget-me endpoint) needs ``RASA_TOKEN``, sent as Rasa's ``?token=`` or as an
``Authorization: Bearer`` header. A server started without a token refuses those routes
altogether. Plain logic (no Rasa import), used by ``valkommen.server.rasa_server`` and ``valkommen.server.action_server``.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Mapping, Optional

from valkommen.core.settings import Settings

#: (method, path) pairs anyone may call on the Rasa server. OPTIONS (CORS pre-flight) is
#: allowed on the same paths.
PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/"),  # health: "Hello from Rasa"
        ("POST", "/webhooks/rest/webhook"),  # the REST channel (widget, Telegram front end, terminal)
        ("GET", "/webhooks/rest"),  # the REST channel's own health route
        ("POST", "/privacy/erase"),  # a conversation's owner deletes it with its secret (privacy_api)
    }
)

#: The interface every server binds to unless ``BIND_HOST`` says otherwise.
DEFAULT_BIND_HOST: str = Settings.__fields__["bind_host"].default


def is_public(method: str, path: str) -> bool:
    """Whether ``method path`` is one of the routes reachable without the token."""
    path = "/" + path.strip("/") if path != "/" else "/"
    method = method.upper()
    if method == "OPTIONS":
        return any(route_path == path for _, route_path in PUBLIC_ROUTES)
    if method == "HEAD":
        method = "GET"
    return (method, path) in PUBLIC_ROUTES


def presented_token(headers: Mapping[str, str], query_token: Optional[str]) -> Optional[str]:
    """The token a request carries: an ``Authorization: Bearer`` header, else ``?token=``."""
    authorization = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return query_token or None


def token_matches(expected: Optional[str], presented: Optional[str]) -> bool:
    """Constant-time comparison; never true when no token is configured."""
    if not expected or not presented:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))


def refusal(expected: Optional[str], presented: Optional[str]) -> Optional[tuple]:
    """None when a non-public request may pass, else ``(status, reason, message)``."""
    if not expected:
        return (403, "Forbidden", "this route is closed: the server was started without RASA_TOKEN")
    if presented is None:
        return (401, "NotAuthenticated", "this route needs the API token (Authorization: Bearer ...)")
    if not token_matches(expected, presented):
        return (401, "NotAuthenticated", "the API token is not valid")
    return None


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps a server reachable from this machine only."""
    host = (host or "").strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_problem(host: str, token: Optional[str], token_name: str) -> Optional[str]:
    """Why a server must not start on ``host`` without ``token``, or None."""
    if is_loopback(host) or token:
        return None
    return (
        f"refusing to listen on {host} without {token_name}: anyone who can reach this address could "
        f"use the private routes. Set {token_name} (a long random secret), or bind to 127.0.0.1 "
        f"(BIND_HOST)."
    )
