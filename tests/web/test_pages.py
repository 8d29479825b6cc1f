"""The demo page server in-process (no Rasa, no browser): pages, strings.json and the widget files."""

from __future__ import annotations

import asyncio
import dataclasses
import json
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

    return asyncio.run(run())


def test_strings_json_has_the_widget_keys_of_every_language_from_the_locales(catalogue):
    status, body, headers = fetch("/strings.json")
    data = json.loads(body)
    widget_keys = {k for k in catalogue.locale("sv").interface if k.startswith("web_") and not k.startswith("web_page_")}
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
