"""Demo meeting-place pages with the widget: ``python -m valkommen.channels.web.serve --port 8080``.

Serves ``widget.js``/``widget.css``, ``strings.json`` (built from ``locales/`` at start-up)
and one plain page per meeting place of the places data (``/norrby.html``), plus an index,
the accessibility statement (``/accessibility.html``) and the privacy notice (``/privacy.html``).
A page's language is ``?lang=<code>`` (default Swedish); its widget talks to ``--rasa-url``.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from pathlib import Path
from typing import Iterable, Optional, Sequence

from aiohttp import web

from valkommen.channels.web.strings import widget_strings
from valkommen.core.accessibility_statement import statement
from valkommen.core.languages import SOURCE_LANGUAGE
from valkommen.core.locales import Catalogue, LocaleError, default_catalogue
from valkommen.core.places import Place, PlaceDirectory, load_directory
from valkommen.core.privacy_notice import notice
from valkommen.core.settings import exit_on_error

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"widget.js": "application/javascript", "widget.css": "text/css", "page.css": "text/css"}
#: A value a deploying municipality must still fill in (settings' demo placeholders): shown marked.
DEMO_VALUE = re.compile(r"\[DEMO –[^\]]*\]")
URL = re.compile(r"https?://[^\s<>\"')]+[^\s<>\"').,;:]")


def _footer(catalogue: Catalogue, lang: str) -> str:
    """Links to the privacy notice and the accessibility statement, in the page's language."""
    t = lambda key: html.escape(catalogue.interface(key, lang))  # noqa: E731
    code = html.escape(lang)
    return (
        f'<footer class="site-footer" lang="{code}" dir="{catalogue.locale(lang).direction}"><ul>'
        f'<li><a href="/privacy.html?lang={code}">{t("web_privacy_link")}</a></li>'
        f'<li><a href="/accessibility.html?lang={code}">{t("web_accessibility_link")}</a></li>'
        "</ul></footer>\n"
    )


def _page(lang: str, direction: str, title: str, body: str, rasa_url: str, footer: str = "") -> str:
    csp = f"default-src 'self'; connect-src 'self' {rasa_url}; img-src 'self' data:; object-src 'none'"
    return (
        f'<!doctype html>\n<html lang="{html.escape(lang)}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="/page.css">\n</head>\n<body>\n'
        f'<header class="site"><a href="/?lang={html.escape(lang)}">Borås</a></header>\n'
        f"<main>\n{body}\n</main>\n{footer}</body>\n</html>\n"
    )


def _text(value: str) -> str:
    """Plain text as HTML: escaped, http(s) addresses as links, demo placeholders marked."""
    out, last = [], 0
    for match in URL.finditer(value):
        out.append(html.escape(value[last : match.start()]))
        url = html.escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(html.escape(value[last:]))
    return DEMO_VALUE.sub(lambda m: f'<mark class="demo" lang="en" dir="ltr">{m.group(0)}</mark>', "".join(out))


def document_body(title: str, sections: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> str:
    """A text page: the title, then per section its heading, paragraphs and list items."""
    parts = [f"<h1>{_text(title)}</h1>"]
    for heading, paragraphs, items in sections:
        if heading:
            parts.append(f"<h2>{_text(heading)}</h2>")
        parts += [f"<p>{_text(p)}</p>" for p in paragraphs]
        if items:
            parts.append("<ul>" + "".join(f"<li>{_text(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def accessibility_page(catalogue: Catalogue, lang: str, rasa_url: str) -> str:
    """The accessibility statement (English, then Swedish, when ``lang`` has none)."""
    found = statement(lang)
    body = document_body(found.title, ((s.heading, s.paragraphs, s.items) for s in found.sections))
    return _page(found.language, found.direction, found.title, body, rasa_url, _footer(catalogue, lang))


def _widget_tag(rasa_url: str, place_id: Optional[str], lang: str, keep_history: bool = False) -> str:
    place = f' data-meeting-place="{html.escape(place_id)}"' if place_id else ""
    keep = ' data-keep-history="true"' if keep_history else ""
    return f'<script src="/widget.js" data-server="{html.escape(rasa_url)}"{place} data-lang="{html.escape(lang)}"{keep} defer></script>'


def _district_name(directory: PlaceDirectory, place: Place) -> Optional[str]:
    district = directory.district(place.district) if place.district else None
    if district and district.names.get("latin"):
        return district.names["latin"][0]
    return place.district


def _offer(catalogue: Catalogue, offer: str, lang: str) -> str:
    """What a place offers, from ``offer_<id>`` in locales; the data's own wording otherwise."""
    try:
        return catalogue.interface(f"offer_{offer}", lang)
    except LocaleError:
        return offer


def privacy_page(catalogue: Catalogue, lang: str, rasa_url: str) -> str:
    """The privacy notice (valkommen/core/privacy_notice.py); settings still at their demo value are marked."""
    found = notice(lang, catalogue)
    body = document_body(found.title, ((s.heading, s.paragraphs, ()) for s in found.sections))
    return _page(found.language, found.direction, found.title, body, rasa_url, _footer(catalogue, lang))


def index_page(directory: PlaceDirectory, catalogue: Catalogue, lang: str, rasa_url: str, keep_history: bool = False) -> str:
    """The list of meeting places, each a link to its page (``keep_history``: the widget's opt-in)."""
    t = lambda key: html.escape(catalogue.interface(key, lang))  # noqa: E731
    items = "\n".join(
        f'<li><a href="/{html.escape(p.id)}.html?lang={html.escape(lang)}">{html.escape(p.name)}</a></li>'
        for p in directory.places
    )
    body = (
        f"<h1>{t('web_page_index_title')}</h1>\n<p>{t('web_page_intro')}</p>\n<ul>\n{items}\n</ul>\n"
        f'<p class="note">{t("web_page_note")}</p>\n{_widget_tag(rasa_url, None, lang, keep_history)}'
    )
    title = catalogue.interface("web_page_index_title", lang)
    return _page(lang, catalogue.locale(lang).direction, title, body, rasa_url, _footer(catalogue, lang))


def place_page(
    directory: PlaceDirectory, place: Place, catalogue: Catalogue, lang: str, rasa_url: str, keep_history: bool = False
) -> str:
    """One meeting place's page: its name, district, official page and the widget (``keep_history``:
    the page opts in to keep the conversation for a day, ``data-keep-history``)."""
    t = lambda key: html.escape(catalogue.interface(key, lang))  # noqa: E731
    lines = [f"<h1>{html.escape(place.name)}</h1>"]
    district = _district_name(directory, place)
    if district:
        lines.append(f"<p>{t('web_page_district')}: {html.escape(district)}</p>")
    offers = [_offer(catalogue, offer, lang) for offer in place.offers]
    if offers:
        items = "".join(f"<li>{html.escape(offer)}</li>" for offer in offers)
        lines.append(f"<h2>{t('web_page_offers')}</h2>\n<ul>{items}</ul>")
    if place.url:
        lines.append(f'<p><a href="{html.escape(place.url)}">{t("web_official_page")}</a></p>')
    lines.append(f'<p class="note">{t("web_page_note")}</p>')
    lines.append(_widget_tag(rasa_url, place.id, lang, keep_history))
    return _page(lang, catalogue.locale(lang).direction, place.name, "\n".join(lines), rasa_url, _footer(catalogue, lang))


def create_app(
    rasa_url: str, directory: Optional[PlaceDirectory] = None, catalogue: Optional[Catalogue] = None
) -> web.Application:
    """The aiohttp app serving the widget, its strings and the demo pages."""
    directory = directory or load_directory()
    catalogue = catalogue or default_catalogue()
    rasa_url = rasa_url.rstrip("/")
    strings = json.dumps(widget_strings(catalogue), ensure_ascii=False)

    def language(request: web.Request) -> str:
        code = request.query.get("lang", SOURCE_LANGUAGE)
        return code if code in catalogue.locales else SOURCE_LANGUAGE

    def keeps_history(request: web.Request) -> bool:
        """``?keep-history=true``: the demo of a host page that keeps the conversation (docs/widget.md)."""
        return request.query.get("keep-history") == "true"

    async def index(request: web.Request) -> web.Response:
        page = index_page(directory, catalogue, language(request), rasa_url, keeps_history(request))
        return web.Response(text=page, content_type="text/html")

    async def place(request: web.Request) -> web.Response:
        found = directory.place(request.match_info["place"])
        if found is None:
            raise web.HTTPNotFound()
        page = place_page(directory, found, catalogue, language(request), rasa_url, keeps_history(request))
        return web.Response(text=page, content_type="text/html")

    async def accessibility(request: web.Request) -> web.Response:
        return web.Response(text=accessibility_page(catalogue, language(request), rasa_url), content_type="text/html")

    async def privacy(request: web.Request) -> web.Response:
        return web.Response(text=privacy_page(catalogue, language(request), rasa_url), content_type="text/html")

    async def strings_json(request: web.Request) -> web.Response:
        return web.Response(text=strings, content_type="application/json", headers={"Cache-Control": "no-cache"})

    async def static(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC_FILES:
            raise web.HTTPNotFound()
        body = (STATIC / name).read_bytes()
        return web.Response(body=body, content_type=STATIC_FILES[name], charset="utf-8", headers={"Cache-Control": "no-cache"})

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/index.html", index)
    app.router.add_get("/strings.json", strings_json)
    app.router.add_get("/accessibility.html", accessibility)
    app.router.add_get("/privacy.html", privacy)
    app.router.add_get("/{name:(widget\\.js|widget\\.css|page\\.css)}", static)
    app.router.add_get("/{place:[a-z0-9_-]+}.html", place)
    return app


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command line: serve the demo pages until interrupted."""
    config = exit_on_error()  # a bad setting: "error: NAME: ..." and status 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=config.web_host)
    parser.add_argument("--port", type=int, default=config.web_port)
    parser.add_argument("--rasa-url", default=config.rasa_url)
    args = parser.parse_args(argv)
    web.run_app(create_app(args.rasa_url), host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
