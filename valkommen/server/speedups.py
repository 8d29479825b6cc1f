"""Three fixes of per-message costs inside Rasa 3.6, installed by ``valkommen.server.rasa_server`` at start-up.

Found by profiling ``Agent.handle_message`` with cProfile (README "Measured", ``make bench``):

1. **Action reply check.** Rasa validates every action server reply with
   ``jsonschema.validate(result, schema)``, which first checks the schema itself against the
   JSON Schema meta-schema, every time: with jsonschema 4.17 about 110 ms per custom action,
   two thirds of the time of a message. Here the validator is built once; replies are checked
   against the same schema and a malformed one raises the same error as before.
2. **Event types.** Every stored event read back from the tracker store looks its class up by
   walking all subclasses of ``Event`` (``Event.resolve_by_type``). Found classes are kept in a
   dictionary; unknown names still go through Rasa's own lookup.
3. **SQLite tracker store.** Each saved turn is a commit, and SQLite's default rollback journal
   syncs to disk several times per commit. The embedded default store is switched to
   write-ahead logging with ``synchronous=NORMAL``: a committed turn survives a crash or kill of
   the server (tests/reliability/test_restart.py); only a power cut may lose the last turns.
   PostgreSQL (production) is untouched.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from typing import Any, Dict, Optional, Type

_INSTALLED = "_valkommen_speedup"


@lru_cache(maxsize=1)
def _action_reply_validator() -> Any:
    """A validator of Rasa's action response schema (the schema itself checked once, here)."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Replaces ``RemoteAction._validate_action_result``: same contract, validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _cached_event_lookup(original: Any) -> Any:
    """``Event.resolve_by_type`` remembering the classes it found."""
    found: Dict[str, Type[Any]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[Any]] = None) -> Optional[Type[Any]]:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    return resolve_by_type


def sqlite_on_connect(connection: Any, _record: Any) -> None:
    """SQLAlchemy ``connect`` hook: WAL journal and NORMAL sync for SQLite connections only."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def install() -> None:
    """Installs the three fixes (idempotent)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if getattr(RemoteAction._validate_action_result, _INSTALLED, False):
        return
    setattr(validate_action_result, _INSTALLED, True)
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    Event.resolve_by_type = staticmethod(_cached_event_lookup(Event.resolve_by_type))  # type: ignore[assignment]
    event.listen(Engine, "connect", sqlite_on_connect)
