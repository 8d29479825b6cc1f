"""Users cannot speak for the assistant: a typed ``/intent{...}`` is a payload only if a button could send it.

Rasa reads any message that starts with ``/`` as an intent payload and skips NLU (its
``RegexMessageHandler``, the last node of the NLU graph): a user could type
``/meeting_place{"postcode": "<b>hacked</b>"}`` and have the assistant repeat that text. This
patch, installed by ``valkommen.server.rasa_server``, lets the handler unpack a payload only when it names a
known intent and carries only the entities and values our own buttons send (a language code,
👍/👎, a district or meeting place id, a five-digit postcode). Anything else keeps what the NLU
pipeline made of it as text.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, List, Mapping, Optional

from valkommen.server.payloads import POSTCODE, typed_payload_problem

LOGGER = logging.getLogger(__name__)
_INSTALLED = "_valkommen_payload_check"


@lru_cache(maxsize=1)
def allowed_entities() -> Mapping[str, Mapping[str, Any]]:
    """Per intent, the entities a button payload may carry and their allowed values."""
    from valkommen.core.languages import SELECTABLE_LANGUAGES
    from valkommen.core.places import load_directory

    directory = load_directory()
    return {
        "change_language": {"language": frozenset(SELECTABLE_LANGUAGES)},
        "feedback": {"feedback": frozenset({"up", "down"})},
        "meeting_place": {
            "district": frozenset(d.id for d in directory.districts),
            "place": frozenset(p.id for p in directory.places),
            "postcode": POSTCODE,
        },
    }


def payload_allowed(text: str, intents: Any) -> bool:
    """Whether ``text`` may be unpacked as an intent payload."""
    return typed_payload_problem(text, intents, allowed_entities()) is None


def _intents(domain: Optional[Any]) -> List[str]:
    return [i for i in (getattr(domain, "intents", None) or []) if i != "nlu_fallback"]


def install() -> None:
    """Wraps ``RegexMessageHandler.process`` (idempotent)."""
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.nlu.constants import TEXT

    original = RegexMessageHandler.process
    if getattr(original, _INSTALLED, False):
        return

    def process(self: Any, messages: List[Any], domain: Optional[Any] = None) -> List[Any]:
        intents = _intents(domain)
        checked: List[Any] = []
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text.lstrip().startswith("/") and not payload_allowed(text, intents):
                LOGGER.info("A typed payload no button sends was read as text.")
                checked.append(message)  # what the NLU components made of it
            else:
                checked.extend(original(self, [message], domain))
        return checked

    setattr(process, _INSTALLED, True)
    RegexMessageHandler.process = process  # type: ignore[assignment]
