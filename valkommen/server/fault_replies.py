"""No silence and no 500 on the REST channel when a part behind Rasa fails.

Open-source Rasa answers a message whose custom action failed (action server down, slow or
broken) with an empty list, waits up to five minutes for a slow action server, and answers
500 when its tracker or lock store fails mid-conversation. Installed into the Rasa server
process by ``valkommen.server.rasa_server``, this module

- bounds every custom action call to ``$ACTION_TIMEOUT`` seconds (default 10) and notes which
  conversation had a failed action, or a failed message (tracker or lock store down), during
  the request;
- adds a Sanic response middleware on ``/webhooks/rest/webhook`` that, for such a request
  (or any 5xx answer), sends the locale's ``unavailable`` text in the conversation's language
  instead, followed by the language message every reply ends with (valkommen/core/reply_language.py).
  The language is chosen as the actions choose it (valkommen/core/language_choice.py) from the
  tracker (the message's detected language, the chosen language, the conversation's language),
  else the channel's hint, else Swedish.

It logs no message text and no sender id.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Mapping, Optional

from valkommen.core.language_choice import choose_reply_language
from valkommen.core.locales import default_catalogue
from valkommen.core.names import SLOT_CHOSEN_LANGUAGE, SLOT_LANGUAGE
from valkommen.core.reply_language import is_language_message, language_message
from valkommen.core.settings import Settings, settings

logger = logging.getLogger(__name__)

REST_WEBHOOK = "/webhooks/rest/webhook"
#: Seconds a custom action may take before the user gets the ``unavailable`` reply.
DEFAULT_ACTION_TIMEOUT = Settings.__fields__["action_timeout"].default
#: Conversations (sender ids) with a failed custom action during the request being answered.
_failed_turns: Dict[str, int] = {}


def action_timeout() -> float:
    """``ACTION_TIMEOUT`` of the settings in seconds (positive), default 10."""
    return settings().action_timeout


def record_failure(sender_id: Optional[str]) -> None:
    """Notes that a custom action of this conversation failed in the current request."""
    key = sender_id or ""
    _failed_turns[key] = _failed_turns.get(key, 0) + 1


def take_failure(sender_id: Optional[str]) -> bool:
    """Whether a custom action of this conversation failed since the last call (and forgets it)."""
    return _failed_turns.pop(sender_id or "", 0) > 0


def unavailable_reply(sender_id: str, language: str) -> Dict[str, str]:
    """The REST channel message saying the service is temporarily unavailable."""
    return {"recipient_id": sender_id, "text": default_catalogue().interface("unavailable", language)}


def reply_with_unavailable(replies: Any, sender_id: str, language: str) -> List[Any]:
    """``replies`` with the ``unavailable`` message added (once), ending with the language message
    every reply ends with (valkommen/core/reply_language.py; an earlier one is replaced)."""
    message = unavailable_reply(sender_id, language)
    kept = [r for r in replies if isinstance(r, dict)] if isinstance(replies, list) else []
    kept = [r for r in kept if not is_language_message(r)]
    if not any(r.get("text") == message["text"] for r in kept):
        kept.append(message)
    return kept + [{"recipient_id": sender_id, "custom": language_message(language)}]


def _request_body(request: Any) -> Mapping[str, Any]:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def conversation_language(agent: Any, sender_id: str, body: Mapping[str, Any]) -> str:
    """The language to tell this conversation about the fault in (see the module doc)."""
    raw_metadata = body.get("metadata")
    metadata: Mapping[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    hint = metadata.get("language") if isinstance(metadata.get("language"), str) else None
    detected: Optional[Mapping[str, Any]] = None
    chosen = previous = None
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # the store itself may be what failed
        tracker = None
    if tracker is not None:
        chosen = tracker.get_slot(SLOT_CHOSEN_LANGUAGE)
        previous = tracker.get_slot(SLOT_LANGUAGE)
        latest = tracker.latest_message
        if latest is not None and latest.text == body.get("message"):
            detected = latest.parse_data.get("language")
    if detected is None and isinstance(body.get("message"), str):
        try:
            detected = (await agent.parse_message(body["message"])).get("language")
        except Exception:
            detected = None
    return choose_reply_language(detected if isinstance(detected, Mapping) else None, chosen, previous, hint)


def _is_rest_message(request: Any) -> bool:
    return request.method == "POST" and request.path.rstrip("/") == REST_WEBHOOK


async def forget_earlier_failures(request: Any) -> None:
    """Sanic request middleware: a failure noted outside a REST request does not carry over."""
    if _is_rest_message(request):
        sender_id = _request_body(request).get("sender")
        take_failure(sender_id if isinstance(sender_id, str) else "default")


async def fill_failed_reply(request: Any, response: Any) -> Optional[Any]:
    """Sanic response middleware: the ``unavailable`` text instead of silence or a 5xx."""
    if not _is_rest_message(request):
        return None
    body = _request_body(request)
    sender = body.get("sender")
    sender_id: str = sender if isinstance(sender, str) else "default"
    failed = take_failure(sender_id)
    if response.status < 500 and not (failed and response.status == 200):
        return None
    from sanic import response as sanic_response

    replies: Any = []
    if response.status == 200:
        try:
            replies = json.loads(response.body or b"[]")
        except ValueError:
            replies = []
    agent = getattr(request.app.ctx, "agent", None)
    language = await conversation_language(agent, sender_id, body) if agent is not None else "sv"
    logger.warning("a reply failed (HTTP %s, action failed: %s); sent the unavailable text", response.status, failed)
    return sanic_response.json(reply_with_unavailable(replies, sender_id, language), status=200)


def _bound_remote_actions() -> None:
    """Makes every custom action call time out after ``action_timeout()`` and records failures."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.exceptions import RasaException

    original = RemoteAction.run
    if getattr(original, "_valkommen_bounded", False):
        return

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        timeout = action_timeout()
        try:
            return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise
        except asyncio.TimeoutError as error:
            record_failure(tracker.sender_id)
            raise RasaException(f"custom action '{self.name()}' took longer than {timeout:g} s") from error
        except Exception:
            record_failure(tracker.sender_id)
            raise

    run._valkommen_bounded = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[assignment]


def _record_failed_messages() -> None:
    """Notes a conversation whose message failed as a whole (tracker or lock store down).

    Rasa's REST channel logs such an error and answers an empty list with status 200.
    """
    from rasa.core.agent import Agent

    original = Agent.handle_message
    if getattr(original, "_valkommen_recorded", False):
        return

    async def handle_message(self: Any, message: Any) -> Any:
        try:
            return await original(self, message)
        except Exception:
            record_failure(message.sender_id)
            raise

    handle_message._valkommen_recorded = True  # type: ignore[attr-defined]
    Agent.handle_message = handle_message  # type: ignore[assignment]


def _reply_middleware_on_every_app() -> None:
    """Makes ``rasa run`` add ``fill_failed_reply`` to its app (with or without the HTTP API)."""
    from rasa.core import run

    original = run.configure_app
    if getattr(original, "_valkommen_fault_replies", False):
        return

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(forget_earlier_failures, "request")
        app.register_middleware(fill_failed_reply, "response")
        return app

    configure_app._valkommen_fault_replies = True  # type: ignore[attr-defined]
    run.configure_app = configure_app


def install(argv: Optional[List[str]] = None) -> None:
    """Checks the stores (exits with a clear message if unreachable), then installs the above."""
    from valkommen.server.startup_check import check_stores_or_exit

    check_stores_or_exit(argv)
    _bound_remote_actions()
    _record_failed_messages()
    _reply_middleware_on_every_app()
