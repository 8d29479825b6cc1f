"""The forget-me endpoints on Rasa's own HTTP server.

``GET /privacy/conversations/<sender_id>`` (token) answers ``{"messages": n}``, how many user
messages of the sender are stored: the Telegram front end's "is this user new?".

``DELETE /privacy/conversations/<sender_id>`` (admins, the Telegram front end) deletes every
tracker event of that sender from the server's tracker store: 204 when something was deleted,
404 (JSON) for an unknown sender. It is not a public route: ``valkommen.server.rasa_server``'s
token gate lets it through only with ``RASA_TOKEN`` (``Authorization: Bearer`` or ``?token=``;
else 401, or 403 when the server has no token).

``POST /privacy/erase`` (public: the widget's delete button, integrators) lets a conversation's
owner delete it without the token. The client sends a secret of its own with every message
(``metadata.erase_secret``, stored only as its SHA-256, ``erase_key``); the body
``{"sender": ..., "secret": ...}`` deletes the conversation when the sender's stored messages
carry the secret's hash: 204. A wrong secret and an unknown sender get the same 404 (no
oracle: a sender id alone is not enough, and the answer does not say whether it exists); a
malformed body gets 400.

valkommen/server/rasa_server.py registers both on every app Rasa creates.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any, Optional, Tuple

from valkommen.server.payloads import MAX_SENDER_CHARS, SENDER_PATTERN, erase_key
from valkommen.server.retention import UnsupportedTrackerStore, count_user_messages, delete_sender, stored_erase_keys

LOGGER = logging.getLogger(__name__)

ROUTE = "/privacy/conversations/<conversation_id:str>"
#: The public route of a conversation's owner.
ERASE_ROUTE = "/privacy/erase"
#: Largest body ``POST /privacy/erase`` reads.
MAX_ERASE_BODY = 4096
#: The one answer for an unknown sender and a wrong secret.
NOT_FOUND = (404, "NotFound", "no conversation with this sender id and secret")


def erase_request_problem(body: Any) -> Optional[str]:
    """What is wrong with a ``POST /privacy/erase`` body, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender, secret = body.get("sender"), body.get("secret")
    if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER_CHARS or not SENDER_PATTERN.fullmatch(sender):
        return "'sender' must be the conversation's sender id"
    if erase_key(secret) is None:
        return "'secret' must be 32-128 characters of A-Z, a-z, 0-9, _ and -"
    return None


def owns(secret: str, stored_keys: Any) -> bool:
    """Whether ``secret`` hashes to one of ``stored_keys`` (compared in constant time)."""
    key = erase_key(secret)
    if key is None:
        return False
    matched = False
    for stored in stored_keys:
        matched |= hmac.compare_digest(key.encode("ascii"), str(stored).encode("ascii", "replace"))
    return matched


def _parse_erase_body(request: Any) -> Tuple[Optional[dict], Optional[Tuple[int, str, str]]]:
    raw = request.body or b""
    if len(raw) > MAX_ERASE_BODY:
        return None, (413, "PayloadTooLarge", f"the body is larger than {MAX_ERASE_BODY} bytes")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, (400, "BadRequest", "the body is not valid JSON")
    problem = erase_request_problem(body)
    if problem is not None:
        return None, (400, "BadRequest", problem)
    return body, None


def _error(status: int, reason: str, message: str) -> Any:
    from sanic import response

    return response.json({"status": "failure", "reason": reason, "message": message, "code": status}, status=status)


def register(app: Any) -> None:
    """Adds the forget-me routes to Rasa's Sanic ``app``: the admin one behind
    ``valkommen.server.rasa_server``'s token gate, the owner's public one."""
    from sanic import response

    @app.route(ERASE_ROUTE, methods=["POST"], name="valkommen_erase_own_conversation")
    async def erase_own_conversation(request: Any) -> Any:
        body, failure = _parse_erase_body(request)
        if failure is not None:
            return _error(*failure)
        assert body is not None
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return _error(409, "Conflict", "no tracker store is loaded yet")
        sender, secret = body["sender"], body["secret"]
        loop = asyncio.get_running_loop()
        try:
            async with agent.lock_store.lock(sender):
                keys = await loop.run_in_executor(None, stored_erase_keys, agent.tracker_store, sender)
                if not owns(secret, keys):
                    return _error(*NOT_FOUND)
                deleted = await loop.run_in_executor(None, delete_sender, agent.tracker_store, sender)
        except UnsupportedTrackerStore:
            return _error(501, "NotImplemented", "this tracker store does not support deletion")
        if not deleted:
            return _error(*NOT_FOUND)
        LOGGER.info("Privacy: a conversation was deleted by its owner (%d events).", deleted)
        return response.empty(status=204)

    @app.route(ROUTE, methods=["GET"], name="valkommen_count_conversation")
    async def count_conversation(request: Any, conversation_id: str) -> Any:
        """``{"messages": n}``: how many user messages of the sender are stored (no text, no
        tracker created). The Telegram front end asks it once per user to know whether the user
        is new and must see the first-contact disclosure."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return _error(409, "Conflict", "no tracker store is loaded yet")
        try:
            count = await asyncio.get_running_loop().run_in_executor(
                None, count_user_messages, agent.tracker_store, conversation_id
            )
        except UnsupportedTrackerStore:
            return _error(501, "NotImplemented", "this tracker store cannot count messages")
        return response.json({"messages": count})

    @app.route(ROUTE, methods=["DELETE"], name="valkommen_forget_conversation")
    async def forget_conversation(request: Any, conversation_id: str) -> Any:
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return _error(409, "Conflict", "no tracker store is loaded yet")
        try:
            async with agent.lock_store.lock(conversation_id):
                deleted = await asyncio.get_running_loop().run_in_executor(
                    None, delete_sender, agent.tracker_store, conversation_id
                )
        except UnsupportedTrackerStore:
            return _error(501, "NotImplemented", "this tracker store does not support deletion")
        if not deleted:
            return _error(404, "NotFound", "no conversation with this sender id")
        LOGGER.info("Privacy: deleted a conversation on request (%d events).", deleted)
        return response.empty(status=204)
