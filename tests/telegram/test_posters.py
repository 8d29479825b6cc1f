"""Posters for the meeting places: printed to PDF, their QR codes read back and followed to the bot."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from typing import List
from urllib.parse import parse_qs, urlparse

import pytest

from tests.telegram.harness import new_user_id, text_update
from tools import posters
from valkommen.core.places import load_directory
from valkommen.core.settings import load_settings

BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def qr_codes(pdf: Path, workdir: Path) -> List[str]:
    """The QR codes printed on the PDF's pages, read back from a 150 dpi rendering (poppler + zbar)."""
    prefix = workdir / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    found: List[str] = []
    for image in sorted(workdir.glob(f"{pdf.stem}-*.png")):
        result = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
        found += result.stdout.split()
    return found


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_MARKS.sub("", text)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """`python -m tools.posters` into a fresh directory, with the default (demo) settings."""
    out = tmp_path_factory.mktemp("posters")
    assert posters.main(["--out", str(out)]) == 0
    return out


def test_every_meeting_place_gets_one_a4_poster(printed):
    places = load_directory().places
    assert sorted(p.name for p in printed.glob("*.pdf")) == sorted(f"{place.id}.pdf" for place in places)
    info = subprocess.run(["pdfinfo", str(printed / f"{places[0].id}.pdf")], capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "(A4)" in info


def test_the_qr_codes_read_back_as_the_deep_link_and_the_places_page(printed, tmp_path):
    for place in load_directory().places:
        codes = qr_codes(printed / f"{place.id}.pdf", tmp_path)
        expected = {posters.deep_link(posters.DEMO_USERNAME, place.id)} | ({place.url} if place.url else set())
        assert set(codes) == expected, place.id


def test_the_poster_asks_in_each_chosen_language_and_says_it_is_a_demo(printed, catalogue):
    chosen = posters.poster_languages()
    for place in load_directory().places:
        text = pdf_text(printed / f"{place.id}.pdf")
        assert place.name in text
        for code in chosen.get(place.id, chosen["*"]):
            assert catalogue.interface("poster_ask", code) in text, (place.id, code)
        assert "DEMO" in text


def test_a_configured_bot_name_goes_into_the_link_and_the_demo_mark_goes(tmp_path):
    config = load_settings({"TELEGRAM_BOT_USERNAME": "BorasStadBot"})
    place = load_directory().places[0]
    (poster,) = posters.plan(config, [place], posters.poster_languages())
    assert poster.telegram_link == f"https://t.me/BorasStadBot?start=place-{place.id}"
    assert not poster.demo


def test_a_posters_file_naming_an_unknown_language_or_place_is_refused(tmp_path):
    bad = tmp_path / "posters.yml"
    bad.write_text("default: [sv, xx]\n", encoding="utf-8")
    with pytest.raises(posters.PosterError):
        posters.poster_languages(bad)
    bad.write_text("default: [sv]\nplaces: {atlantis: [sv]}\n", encoding="utf-8")
    with pytest.raises(posters.PosterError):
        posters.plan(load_settings({}), load_directory().places, posters.poster_languages(bad))


def test_scanning_the_poster_opens_the_bot_at_that_meeting_place(printed, tmp_path, bot, bot_api, catalogue):
    place = load_directory().places[1]
    link = next(code for code in qr_codes(printed / f"{place.id}.pdf", tmp_path) if code.startswith("https://t.me/"))
    start = parse_qs(urlparse(link).query)["start"][0]  # what Telegram sends as /start <parameter>
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, f"/start {start}", "ar"))
    replies = lambda: [html.unescape(c.params.get("text", "")) for c in bot_api.calls_of("sendMessage", chat_id)]  # noqa: E731
    bot_api.wait_for(lambda: any(catalogue.interface("choose_language", "ar") in text for text in replies()))
    texts = replies()
    assert any(catalogue.interface("greet", "ar") in text for text in texts)
    assert any(place.name in text for text in texts), texts
