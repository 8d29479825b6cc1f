"""The widget's interface strings, built from ``locales/`` through bot/i18n (never hand-copied)."""

from __future__ import annotations

from typing import Any, Dict

from bot.i18n import Catalogue

#: Interface keys the widget (and the demo pages) use start with this prefix.
PREFIX = "web_"


def widget_strings(catalogue: Catalogue) -> Dict[str, Any]:
    """``{"languages": [{code, name, direction}], "strings": {code: {web_key: text}}}``.

    Languages are in the catalogue's order (the order users are offered them). A key missing
    in a language falls back to the source language's text, as everywhere else.
    """
    source_keys = [key for key in catalogue.locale(None).interface if key.startswith(PREFIX)]
    languages = []
    strings = {}
    for code, locale in catalogue.locales.items():
        languages.append({"code": code, "name": locale.name, "direction": locale.direction})
        strings[code] = {key: catalogue.interface(key, code) for key in source_keys}
    return {"languages": languages, "strings": strings}
