"""The report opens in Chromium without network access and its charts render."""

from __future__ import annotations

from typing import List

import pytest
from playwright.sync_api import sync_playwright

from tools.servers import OUTPUT
from valkommen.stats.cli import build_report

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = OUTPUT / "report" / "report.png"
PRINTED = OUTPUT / "report" / "report.pdf"


@pytest.fixture(scope="module")
def report_file(known_store, catalogue, tmp_path_factory):
    return build_report(
        known_store.url, tmp_path_factory.mktemp("browser"), "sv", 1, 30, catalogue=catalogue, now=known_store.now
    ).html


def test_the_report_renders_its_charts_in_chromium_without_fetching_anything(report_file):
    requests: List[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report_file.as_uri())
            charts = page.locator("svg.chart")
            assert charts.count() >= 6
            for index in range(charts.count()):
                chart = charts.nth(index)
                chart.scroll_into_view_if_needed()
                assert chart.is_visible()
                box = chart.bounding_box()
                assert box and box["width"] > 200 and box["height"] > 100
                assert chart.locator("path").count() > 5  # bars, lines and axes were drawn
            assert page.locator("h1").inner_text() == "Välkommen – uppföljning"
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            page.emulate_media(media="print")
            assert not page.locator("nav").is_visible()
            assert page.locator("svg.chart").first.is_visible()
            page.pdf(path=str(PRINTED), format="A4")
        finally:
            browser.close()
    assert [url for url in requests if not url.startswith("file://")] == []
    assert SCREENSHOT.stat().st_size > 10_000
    assert PRINTED.read_bytes().startswith(b"%PDF") and PRINTED.stat().st_size > 10_000
