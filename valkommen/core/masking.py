"""Personal data kept out of what is stored: numbers and addresses in a user's text are masked.

``mask_text`` replaces, in this order,

- e-mail addresses → ``[e-post]``;
- personal identity and coordination numbers (personnummer, samordningsnummer): 10 or 12
  digits as YYMMDD-NNNN or YYYYMMDD-NNNN, with or without the separator (-, + or a space),
  whose date part is a date (a coordination number's day is the day + 60) → ``[personnummer]``;
- phone numbers: Swedish (``033-35 70 00``, ``070-123 45 67``, ``0701234567``) and
  international (``+46 70 123 45 67``, ``0046 …``, ``+964 750 123 4567``) → ``[telefon]``;
- any other run of 7 or more digits → ``[nummer]``;

in Western (0-9), Arabic-Indic (٠-٩) and Persian (۰-۹) digits alike. What is not personal stays:
postcodes (``504 30``), years and dates (``2026``, ``2026-12-07``), ages, place names, short
numbers. Plain logic: the Rasa server applies it to every user message and slot value before
the tracker store (``valkommen.server.store_masking``), the feedback action to the comment.
"""

from __future__ import annotations

import re
from typing import Any, Callable, List, Tuple

EMAIL_TOKEN = "[e-post]"
PERSONAL_NUMBER_TOKEN = "[personnummer]"
PHONE_TOKEN = "[telefon]"
NUMBER_TOKEN = "[nummer]"

#: Arabic-Indic and Persian (Extended Arabic-Indic) digits, one to one onto 0-9 (so spans match).
_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}})

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
#: A personal or coordination number: (century) YYMMDD, a separator or none, four digits.
PERSONAL_NUMBER = re.compile(r"(?<![0-9])((?:[0-9]{2})?)([0-9]{2})([0-9]{2})([0-9]{2})\s?([-+]?)\s?([0-9]{4})(?![0-9])")
#: Phone numbers: international (+ or 00, country code, groups) or Swedish national (0, area
#: code, groups separated by spaces or hyphens, or none), 7 to 15 digits in all.
PHONE = re.compile(
    r"(?<![0-9\w])(?:(?:\+|00)[1-9][0-9]{0,2}(?:[\s.-]?\(0\))?(?:[\s.-]?[0-9]{1,4}){2,6}"
    r"|0[0-9]{1,3}(?:[\s-]?[0-9]{2,4}){1,4})(?![0-9])"
)
LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{7,}(?![0-9])")


def _is_date(month: str, day: str) -> bool:
    """Whether MM and DD are a month and a day (DD + 60 for a coordination number)."""
    m, d = int(month), int(day)
    return 1 <= m <= 12 and (1 <= d <= 31 or 61 <= d <= 91)


def _personal_number(match: "re.Match[str]") -> bool:
    """A date part that is a date; ten digits in one run starting with 0 are left to the phone
    pattern (``0701234567`` is a mobile number far more often than a birth in 2007)."""
    bare = not match.group(1) and not match.group(5) and not match.group(0)[6:7].isspace()
    return _is_date(match.group(3), match.group(4)) and not (bare and match.group(0).startswith("0"))


def _phone(match: "re.Match[str]") -> bool:
    return 7 <= sum(c.isdigit() for c in match.group(0)) <= 15


def _spans(text: str) -> List[Tuple[int, int, str]]:
    """Non-overlapping (start, end, token) of what to mask in ``text`` (ASCII digits), in order."""
    taken: List[Tuple[int, int, str]] = []

    def add(pattern: "re.Pattern[str]", token: str, accept: Callable[["re.Match[str]"], bool] = lambda m: True) -> None:
        for match in pattern.finditer(text):
            start, end = match.span()
            if accept(match) and not any(s < end and start < e for s, e, _ in taken):
                taken.append((start, end, token))

    add(EMAIL, EMAIL_TOKEN)
    add(PERSONAL_NUMBER, PERSONAL_NUMBER_TOKEN, _personal_number)
    add(PHONE, PHONE_TOKEN, _phone)
    add(LONG_NUMBER, NUMBER_TOKEN)
    return sorted(taken)


def may_hold_personal_data(text: str) -> bool:
    """A quick check: whether ``text`` has an ``@`` or 7 digits at all (else nothing to mask)."""
    return "@" in text or sum(c.isdigit() for c in text) >= 7


def mask_text(text: str) -> str:
    """``text`` with e-mail addresses, personal and coordination numbers, phone numbers and
    runs of 7 or more digits replaced by ``[e-post]``, ``[personnummer]``, ``[telefon]``, ``[nummer]``."""
    if not isinstance(text, str) or not may_hold_personal_data(text):
        return text
    spans = _spans(text.translate(_DIGITS))
    if not spans:
        return text
    parts, last = [], 0
    for start, end, token in spans:
        parts += [text[last:start], token]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def mask_value(value: Any, keep: Tuple[str, ...] = ()) -> Any:
    """``value`` with every string inside it masked (dicts and lists walked); the entries of a
    dict whose key is in ``keep`` are left as they are."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: (v if k in keep else mask_value(v, keep)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, keep) for v in value]
    return value


_LOG_MASKING = "_valkommen_masks_personal_data"


def install_log_masking() -> None:
    """Masks personal data (``mask_text``) in every log record created from now on, by any
    logger: a second line of defence behind the rule that servers log no message text."""
    import logging

    original = logging.getLogRecordFactory()
    if getattr(original, _LOG_MASKING, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report, not ours
            return record
        if may_hold_personal_data(message):
            record.msg, record.args = mask_text(message), None
        return record

    setattr(factory, _LOG_MASKING, True)
    logging.setLogRecordFactory(factory)
