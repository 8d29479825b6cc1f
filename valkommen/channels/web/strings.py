"""The widget's interface strings, built from ``locales/`` through valkommen/core/locales (never hand-copied)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from valkommen.core.languages import Registry, registry
from valkommen.core.locales import Catalogue

#: Interface keys of the widget start with this prefix; the demo pages' own keys with PAGE_PREFIX.
PREFIX = "web_"
PAGE_PREFIX = "web_page_"
#: Other interface keys the widget shows: the first-contact disclosure (an automated assistant,
#: not a person; docs/widget.md), when the locales have it.
SHARED_KEYS = ("disclosure",)


def widget_strings(catalogue: Catalogue, languages: Optional[Registry] = None) -> Dict[str, Any]:
    """``{"languages": [{code, name, direction}], "source": code, "aliases": {tag: code},
    "strings": {code: {web_key: text}}}``: all the widget knows about languages (the
    ``web_*`` keys but the demo pages' ``web_page_*``, and ``SHARED_KEYS``).

    Languages are in the catalogue's order (the order users are offered them); names and
    directions come from ``languages.yml`` through the locales, aliases (``hr`` → ``bs``) from the
    registry (``languages``, default the project's). A key missing in a language falls back to
    the source language's text, as everywhere else.
    """
    languages = languages or registry()
    interface = catalogue.locale(None).interface
    source_keys = [key for key in interface if key.startswith(PREFIX) and not key.startswith(PAGE_PREFIX)]
    source_keys += [key for key in SHARED_KEYS if key in interface]
    entries = []
    strings = {}
    for code, locale in catalogue.locales.items():
        entries.append({"code": code, "name": locale.name, "direction": locale.direction})
        strings[code] = {key: catalogue.interface(key, code) for key in source_keys}
    aliases = {alias: code for alias, code in languages.aliases.items() if code in catalogue.locales}
    return {"languages": entries, "source": languages.source, "aliases": aliases, "strings": strings}
