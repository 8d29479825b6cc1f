"""The privacy notice (GDPR art. 13 information and the EU AI Act art. 50 disclosure) in one language.

The sentences are in ``locales/<lang>.yml`` under ``privacy_notice:``; who is responsible, the
contacts and the retention period come from the settings (``PRIVACY_CONTROLLER``,
``PRIVACY_CONTACT``, ``PRIVACY_DPO_CONTACT``, ``RETENTION_DAYS``), never from the text. A
setting still at its demo value (``[DEMO – fill in: …]``) sets ``PrivacyNotice.demo``: the
notice then shows the marked placeholder and the service is not ready to be published.

``notice(language)`` builds the notice; ``render_text`` makes it one plain-text chat message
(Telegram ``/privacy``); the web pages render the same ``PrivacyNotice`` as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

from valkommen.core.locales import LRI, PDI, PLACEHOLDER, Catalogue, default_catalogue
from valkommen.core.settings import Settings, is_demo_placeholder, settings

#: The sections in order: (id, the keys of its paragraphs); the heading is ``<id>_heading``.
SECTIONS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("ai", ("ai_text",)),
    ("controller", ("controller_text", "contact_text", "dpo_text")),
    ("purpose", ("purpose_text",)),
    ("legal_basis", ("legal_basis_text",)),
    ("stored", ("stored_text", "stored_pseudonym", "stored_location", "stored_feedback")),
    ("retention", ("retention_text",)),
    ("access", ("access_text", "access_telegram")),
    ("rights", ("rights_text", "rights_delete", "rights_complaint")),
    ("public", ("public_text",)),
)
#: Every key a locale's ``privacy_notice:`` block has (the content check compares them with sv).
KEYS: Tuple[str, ...] = ("title",) + tuple(key for sid, keys in SECTIONS for key in (f"{sid}_heading",) + keys)
#: The settings filled into the notice, by placeholder name.
SETTING_OF = {"controller": "privacy_controller", "contact": "privacy_contact", "dpo": "privacy_dpo_contact"}


@dataclass(frozen=True)
class Section:
    """One section of the notice: its id (``controller``, ``rights`` …), heading and paragraphs."""

    id: str
    heading: str
    paragraphs: Tuple[str, ...]


@dataclass(frozen=True)
class PrivacyNotice:
    """The whole notice in one language, every value filled in.

    ``demo``: a responsible-organisation setting is still a demo placeholder (``placeholders``
    names their variables). ``reviewed``: a person has checked this language's text.
    """

    language: str
    direction: str
    title: str
    sections: Tuple[Section, ...]
    demo: bool
    placeholders: Tuple[str, ...]
    reviewed: bool
    url: str


def _values(config: Settings, direction: str) -> Dict[str, str]:
    values = {name: str(getattr(config, field)).strip() for name, field in SETTING_OF.items()}
    if direction == "rtl":  # an e-mail address or a Swedish name stays left to right in Arabic text
        values = {name: f"{LRI}{value}{PDI}" for name, value in values.items()}
    values["days"] = str(config.retention_days)
    return values


def _fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` of ``values`` replaced once (a value is never parsed again)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def notice(language: Optional[str], catalogue: Optional[Catalogue] = None, config: Optional[Settings] = None) -> PrivacyNotice:
    """The privacy notice in ``language`` (Swedish for an unknown one; a missing line in Swedish)."""
    catalogue = catalogue or default_catalogue()
    config = config or settings()
    locale = catalogue.locale(language)
    source = catalogue.locale("sv")

    values = _values(config, locale.direction)

    def line(key: str) -> str:
        text = locale.privacy_notice.get(key) or source.privacy_notice.get(key)
        if text is None:
            raise KeyError(f"privacy_notice.{key} is missing in sv.yml")
        return _fill(text, values)

    sections = tuple(Section(sid, line(f"{sid}_heading"), tuple(line(k) for k in keys)) for sid, keys in SECTIONS)
    placeholders = tuple(field.upper() for field in SETTING_OF.values() if is_demo_placeholder(getattr(config, field)))
    return PrivacyNotice(
        language=locale.code,
        direction=locale.direction,
        title=line("title"),
        sections=sections,
        demo=bool(placeholders),
        placeholders=placeholders,
        reviewed=locale.privacy_notice_reviewed,
        url=str(config.privacy_notice_url),
    )


def render_text(privacy: PrivacyNotice) -> str:
    """The notice as one plain-text chat message: the title, then each heading and its sentences."""
    parts = [privacy.title]
    for section in privacy.sections:
        parts.append("\n".join((section.heading, *section.paragraphs)))
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(parts))
