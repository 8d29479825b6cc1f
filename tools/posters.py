"""Printable posters for the meeting places: one A4 PDF per place (``make posters``).

Each poster has the place's name, an invitation in Swedish, "Ask in your language" in the
languages ``data/posters.yml`` chooses for the place (each in its own script and direction), a
QR code to the Telegram deep link ``t.me/<TELEGRAM_BOT_USERNAME>?start=place-<id>`` (the bot
greets, answers about that meeting place and offers the languages) and one to the place's
official page, and the line that Välkommen is an automated assistant. The HTML is printed to
PDF by Debian's Chromium (Playwright), which shapes Arabic and Ethiopic script correctly.

Usage: ``python -m tools.posters [--out results/posters] [--place norrby]``.
"""

from __future__ import annotations

import argparse
import html
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import segno
import yaml

from valkommen.core.languages import SOURCE_LANGUAGE, Registry, registry
from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.paths import ROOT
from valkommen.core.places import Place, load_directory
from valkommen.core.settings import Settings, exit_on_error

POSTERS_FILE = ROOT / "data" / "posters.yml"
DEFAULT_OUT = ROOT / "results" / "posters"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEEP_LINK_PREFIX = "place-"
DEMO_USERNAME: str = Settings.__fields__["telegram_bot_username"].default


class PosterError(ValueError):
    """The posters file names an unknown place or language."""


@dataclass(frozen=True)
class Poster:
    """What one place's poster shows."""

    place: Place
    languages: Tuple[str, ...]
    telegram_link: str
    page_link: Optional[str]
    demo: bool


def deep_link(username: str, place_id: str) -> str:
    """The Telegram link that opens the bot with ``/start place-<id>``."""
    return f"https://t.me/{username}?start={DEEP_LINK_PREFIX}{place_id}"


def poster_languages(path: Path = POSTERS_FILE, languages: Optional[Registry] = None) -> Dict[str, Tuple[str, ...]]:
    """Per place id the languages its poster lists (``"*"``: the default), checked against the registry."""
    known = set((languages or registry()).selectable)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    chosen = {"*": tuple(data.get("default") or (SOURCE_LANGUAGE,))}
    chosen.update({str(place): tuple(codes or ()) for place, codes in (data.get("places") or {}).items()})
    for place, codes in chosen.items():
        unknown = [code for code in codes if code not in known]
        if unknown or not codes:
            raise PosterError(f"{path.name}: {place}: unknown or no languages {unknown}")
    return chosen


def plan(config: Settings, places: Sequence[Place], chosen: Dict[str, Tuple[str, ...]]) -> List[Poster]:
    """The posters to print, one per place."""
    unknown = sorted(set(chosen) - {"*"} - {place.id for place in places})
    if unknown:
        raise PosterError(f"posters.yml names places that do not exist: {unknown}")
    username = config.telegram_bot_username
    return [
        Poster(
            place=place,
            languages=chosen.get(place.id, chosen["*"]),
            telegram_link=deep_link(username, place.id),
            page_link=place.url,
            demo=username == DEMO_USERNAME,
        )
        for place in places
    ]


def _qr_svg(link: str) -> str:
    """The QR code of ``link`` as inline SVG (error correction M, a 4-module quiet zone)."""
    return segno.make(link, error="m", micro=False).svg_inline(scale=6, border=4, dark="#000", light="#fff", omitsize=True)


def poster_html(poster: Poster, catalogue: Catalogue, languages: Optional[Registry] = None) -> str:
    """The poster as one A4 HTML page."""
    languages = languages or registry()
    source = SOURCE_LANGUAGE
    t = lambda key, lang=source: html.escape(catalogue.interface(key, lang))  # noqa: E731
    asks = []
    for code in poster.languages:
        direction = languages[languages.base(code)].direction
        asks.append(f'<li lang="{html.escape(code)}" dir="{direction}">{t("poster_ask", code)}</li>')
    codes = [
        f'<figure><div class="qr">{_qr_svg(poster.telegram_link)}</div><figcaption>{t("poster_telegram")}</figcaption></figure>'
    ]
    if poster.page_link:
        codes.append(
            f'<figure><div class="qr">{_qr_svg(poster.page_link)}</div><figcaption>{t("poster_page")}</figcaption></figure>'
        )
    demo = '<p class="demo">DEMO – TELEGRAM_BOT_USERNAME is not set</p>' if poster.demo else ""
    return f"""<!doctype html>
<html lang="{source}" dir="ltr"><head><meta charset="utf-8"><title>{html.escape(poster.place.name)}</title>
<style>
@page {{ size: A4; margin: 16mm; }}
body {{ font-family: "DejaVu Sans", "Abyssinica SIL", sans-serif; color: #111; margin: 0; }}
h1 {{ font-size: 34pt; margin: 0 0 4mm; }}
.lead {{ font-size: 17pt; margin: 0 0 8mm; }}
ul {{ list-style: none; padding: 0; margin: 0 0 8mm; columns: 2; column-gap: 10mm; font-size: 18pt; }}
li {{ margin: 0 0 3mm; break-inside: avoid; }}
li[dir="rtl"] {{ text-align: right; }}
.codes {{ display: flex; gap: 14mm; justify-content: center; }}
figure {{ margin: 0; text-align: center; font-size: 14pt; }}
.qr svg {{ width: 70mm; height: 70mm; }}
.note {{ font-size: 11pt; margin-top: 8mm; }}
.demo {{ font-size: 14pt; font-weight: bold; border: 2px solid #000; padding: 2mm; }}
</style></head>
<body>
{demo}
<h1>{html.escape(poster.place.name)}</h1>
<p class="lead">{t("poster_heading")}</p>
<ul>{"".join(asks)}</ul>
<div class="codes">{"".join(codes)}</div>
<p class="note">{t("poster_disclosure")}</p>
</body></html>
"""


def render(posters: Sequence[Poster], catalogue: Catalogue, out: Path, chromium: str = CHROMIUM) -> List[Path]:
    """Prints every poster to ``out/<place id>.pdf`` with Chromium; returns the files."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for poster in posters:
                page.set_content(poster_html(poster, catalogue), wait_until="load")
                target = out / f"{poster.place.id}.pdf"
                page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True)
                written.append(target)
        finally:
            browser.close()
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Writes the posters; prints one line per file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the PDFs (default results/posters)")
    parser.add_argument("--place", action="append", help="only this place id (repeatable)")
    args = parser.parse_args(argv)
    config = exit_on_error()
    places = list(load_directory().places)
    if args.place:
        places = [place for place in places if place.id in set(args.place)]
        if not places:
            print(f"error: no meeting place {args.place}", file=sys.stderr)
            return 2
    try:
        posters = plan(config, places, poster_languages())
    except PosterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in render(posters, default_catalogue(), args.out):
        print(f"poster: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if any(poster.demo for poster in posters):
        print("note: TELEGRAM_BOT_USERNAME is not set; the posters link to a demo bot name and say DEMO")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
