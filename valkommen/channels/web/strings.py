"""The widget's interface strings, built from ``locales/`` through valkommen/core/locales (never hand-copied)."""

from __future__ import annotations

from typing import Any, Dict

from valkommen.core.locales import Catalogue

#: Interface keys of the widget start with this prefix; the demo pages' own keys with PAGE_PREFIX.
PREFIX = "web_"
PAGE_PREFIX = "web_page_"


def widget_strings(catalogue: Catalogue) -> Dict[str, Any]:
    """``{"languages": [{code, name, direction}], "strings": {code: {web_key: text}}}``.

    Languages are in the catalogue's order (the order users are offered them). A key missing
    in a language falls back to the source language's text, as everywhere else.
    """
    interface = catalogue.locale(None).interface
    source_keys = [key for key in interface if key.startswith(PREFIX) and not key.startswith(PAGE_PREFIX)]
    languages = []
    strings = {}
    for code, locale in catalogue.locales.items():
        languages.append({"code": code, "name": locale.name, "direction": locale.direction})
        strings[code] = {key: catalogue.interface(key, code) for key in source_keys}
    return {"languages": languages, "strings": strings}
