"""The forget-me endpoint on Rasa's own HTTP server.

``DELETE /privacy/conversations/<sender_id>`` deletes every tracker event of that sender from
the server's tracker store: 204 when something was deleted, 404 (JSON) for an unknown sender.
It is not a public route: ``valkommen.server.rasa_server``'s token gate lets it through only with ``RASA_TOKEN``
(``Authorization: Bearer`` or ``?token=``; else 401, or 403 when the server has no token).
valkommen/server/rasa_server.py registers it on every app Rasa creates.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from valkommen.server.retention import UnsupportedTrackerStore, delete_sender

LOGGER = logging.getLogger(__name__)

ROUTE = "/privacy/conversations/<conversation_id:str>"


def _error(status: int, reason: str, message: str) -> Any:
    from sanic import response

    return response.json({"status": "failure", "reason": reason, "message": message, "code": status}, status=status)


def register(app: Any) -> None:
    """Adds the forget-me route to Rasa's Sanic ``app`` (behind ``valkommen.server.rasa_server``'s token gate)."""
    from sanic import response

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
