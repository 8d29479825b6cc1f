"""Building replies: message ids and buttons, words from ``locales/``."""

from __future__ import annotations

from typing import Dict, Iterable, List

from valkommen.core.names import INTENT_CHANGE_LANGUAGE, INTENT_HELP
from valkommen.core.locales import Catalogue

Button = Dict[str, str]


def topic_buttons(catalogue: Catalogue, language: str, topics: Iterable[str]) -> List[Button]:
    """One button per topic; pressing it asks that topic (the payload skips NLU)."""
    return [{"title": catalogue.topic_title(topic, language), "payload": f"/{topic}"} for topic in topics]


def menu_buttons(catalogue: Catalogue, language: str) -> List[Button]:
    """The topic menu: every topic of the catalogue, then "change language"."""
    buttons = topic_buttons(catalogue, language, catalogue.topics)
    buttons.append(
        {"title": catalogue.topic_title(INTENT_CHANGE_LANGUAGE, language), "payload": f"/{INTENT_CHANGE_LANGUAGE}"}
    )
    return buttons


def help_button(catalogue: Catalogue, language: str) -> Button:
    """A button that opens the whole topic menu."""
    return {"title": catalogue.topic_title(INTENT_HELP, language), "payload": f"/{INTENT_HELP}"}


def language_buttons(catalogue: Catalogue) -> List[Button]:
    """One button per available language, titled with the language's name in itself."""
    return [
        {"title": locale.name, "payload": f'/{INTENT_CHANGE_LANGUAGE}{{"language":"{code}"}}'}
        for code, locale in catalogue.locales.items()
    ]
