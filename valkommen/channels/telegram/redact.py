"""Keeps secrets out of every log line (httpx and PTB log URLs that contain the bot token)."""

from __future__ import annotations

import logging
from typing import Any, Iterable, Set

REDACTED = "<redacted>"
_SECRETS: Set[str] = set()
_INSTALLED = False


def _redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, REDACTED)
    return text


def install_redaction(secrets: Iterable[str]) -> None:
    """Redacts ``secrets`` from every log record created from now on, whatever logger or handler.

    Also quiets httpx/httpcore, which log each request URL (with the token) at INFO.
    """
    global _INSTALLED
    _SECRETS.update(secret for secret in secrets if secret and len(secret) >= 8)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if _INSTALLED:
        return
    _INSTALLED = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not _SECRETS:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return record
        redacted = _redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
