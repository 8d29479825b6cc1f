"""The demo page server in-process (no Rasa, no browser): pages, strings.json and the widget files."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Tuple

from aiohttp.test_utils import TestClient, TestServer

from valkommen.channels.web.serve import create_app
from valkommen.core.places import load_directory

RASA = "http://rasa.test:5005"


def fetch(path: str, directory: Any = None) -> Tuple[int, str, Dict[str, str]]:
    """GET ``path`` from a fresh app; returns status, body and headers."""

    async def run() -> Tuple[int, str, Dict[str, str]]:
        async with TestClient(TestServer(create_app(RASA, directory=directory))) as client:
            response = await client.get(path)
            return response.status, await response.text(), dict(response.headers)

    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the browser tests' Playwright may hold this thread's
        return pool.submit(asyncio.run, run()).result()


def test_strings_json_has_the_widget_keys_of_every_language_from_the_locales(catalogue):
    status, body, headers = fetch("/strings.json")
    data = json.loads(body)
    interface = catalogue.locale("sv").interface
    widget_keys = {k for k in interface if k.startswith("web_") and not k.startswith("web_page_")} | {"disclosure"}
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert [entry["code"] for entry in data["languages"]] == list(catalogue.locales)
    for code, locale in catalogue.locales.items():
        assert data["strings"][code] == {key: catalogue.interface(key, code) for key in widget_keys}, code
        assert {"code": code, "name": locale.name, "direction": locale.direction} in data["languages"]


def test_index_lists_every_meeting_place_and_embeds_the_widget_without_a_place():
    status, body, _ = fetch("/")
    assert status == 200
    for place in load_directory().places:
        assert f'<a href="/{place.id}.html?lang=sv">{place.name}</a>' in body
    assert f'<script src="/widget.js" data-server="{RASA}" data-lang="sv" defer></script>' in body


def test_a_place_page_names_the_place_and_tells_the_widget_its_id():
    status, body, _ = fetch("/norrby.html")
    assert status == 200 and "<h1>Norrbyhuset</h1>" in body
    assert f'data-server="{RASA}" data-meeting-place="norrby" data-lang="sv"' in body
    assert '<html lang="sv" dir="ltr">' in body


def test_an_arabic_page_is_right_to_left_and_an_unknown_language_falls_back_to_swedish():
    assert '<html lang="ar" dir="rtl">' in fetch("/norrby.html?lang=ar")[1]
    assert '<html lang="sv" dir="ltr">' in fetch("/norrby.html?lang=xx")[1]


def test_an_unknown_place_is_404():
    assert fetch("/nowhere.html")[0] == 404
    assert fetch("/../locales/sv.yml")[0] == 404


def test_place_names_from_the_data_are_escaped():
    directory = load_directory()
    bad = dataclasses.replace(directory.places[0], name="<script>alert(1)</script>")
    hostile = dataclasses.replace(directory, places=[bad] + directory.places[1:])
    body = fetch(f"/{bad.id}.html", hostile)[1]
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_pages_allow_scripts_and_connections_only_from_themselves_and_the_rasa_server():
    body = fetch("/norrby.html")[1]
    assert f"default-src &#x27;self&#x27;; connect-src &#x27;self&#x27; {RASA};" in body


def test_widget_files_are_served_with_their_types():
    for name, kind in (("widget.js", "application/javascript"), ("widget.css", "text/css")):
        status, body, headers = fetch(f"/{name}")
        assert status == 200 and headers["Content-Type"].startswith(kind) and len(body) > 1000


def test_every_page_links_the_privacy_notice_and_the_accessibility_statement_in_its_language(catalogue):
    for path in ("/?lang=ar", "/norrby.html?lang=ar", "/privacy.html?lang=ar", "/accessibility.html?lang=ar"):
        body = fetch(path)[1]
        assert '<footer class="site-footer" lang="ar" dir="rtl">' in body, path
        assert f'<a href="/privacy.html?lang=ar">{catalogue.interface("web_privacy_link", "ar")}</a>' in body, path
        assert f'<a href="/accessibility.html?lang=ar">{catalogue.interface("web_accessibility_link", "ar")}</a>' in body, path


def test_privacy_page_is_the_notice_in_the_asked_language_with_demo_values_marked():
    from valkommen.core.privacy_notice import notice

    status, body, _ = fetch("/privacy.html?lang=fa")
    found = notice("fa")
    assert status == 200 and '<html lang="fa" dir="rtl">' in body
    assert f"<h1>{found.title}</h1>" in body
    assert all(f"<h2>{section.heading}</h2>" in body for section in found.sections)
    assert body.count('<mark class="demo" lang="en" dir="ltr">[DEMO –') >= 3  # controller, contact, DPO
    assert '<html lang="sv" dir="ltr">' in fetch("/privacy.html?lang=xx")[1]


def test_accessibility_statement_is_in_swedish_and_english_and_english_for_other_languages():
    from valkommen.core.settings import settings

    swedish, english, arabic = (fetch(f"/accessibility.html?lang={code}")[1] for code in ("sv", "en", "ar"))
    assert '<html lang="sv" dir="ltr">' in swedish and "<h1>Tillgänglighetsredogörelse för Välkommen</h1>" in swedish
    assert '<html lang="en" dir="ltr">' in english and "<h1>Accessibility statement for Välkommen</h1>" in english
    assert '<html lang="en" dir="ltr">' in arabic  # no Arabic statement yet: the English one
    for body in (swedish, english):
        assert "Myndigheten för digital förvaltning" in body  # the supervising authority, DOS-lagen
        assert "WCAG 2.1" in body and "EN 301 549" in body
        assert "axe-core" in body
        assert f'<mark class="demo" lang="en" dir="ltr">{settings().accessibility_contact}</mark>' in body
