"""Browser fixtures: the demo meeting-place server and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Iterator, List
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tools.servers import OUTPUT, ROOT, Servers

SHOTS = OUTPUT / "web"
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


@pytest.fixture(scope="session")
def demo_url(servers: Servers, web_origin: str) -> Iterator[str]:
    """The demo page server (``python -m valkommen.channels.web.serve``) on the origin Rasa allows, talking to the real Rasa."""
    port = urlparse(web_origin).port
    OUTPUT.mkdir(exist_ok=True)
    log = open(OUTPUT / "web-demo.log", "wb")
    args = [
        sys.executable,
        "-m",
        "valkommen.channels.web.serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--rasa-url",
        servers.rasa_url,
    ]
    process = subprocess.Popen(args, cwd=ROOT, env=servers.env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{web_origin}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the demo server did not start; see {OUTPUT}/web-demo.log")
            time.sleep(0.3)
        yield web_origin
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (no Playwright browser download)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> List[str]:
    """Messages of every JavaScript dialog (alert, confirm, ...) a page opened."""
    return []


@pytest.fixture
def page(browser: Browser, demo_url: str, dialogs: List[str]) -> Iterator[Page]:
    """A fresh browser context (empty localStorage) at desktop size, with clipboard and location allowed."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, geolocation={"latitude": 57.730, "longitude": 12.937})
    context.grant_permissions(["clipboard-read", "clipboard-write", "geolocation"], origin=demo_url)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


@pytest.fixture(scope="session")
def shots():
    """Where screenshots go: test-output/web/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
