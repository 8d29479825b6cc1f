"""Figures of the web widget: its gzipped size, and in a real browser the time to the widget and to the first reply.

``python -m bench.widget_measure`` prints the sizes; with ``--page http://localhost:8080/norrby.html``
(a running ``make run``) it also opens the page in Debian's Chromium and times a question.
``bench/web_widget.py`` starts its own servers and calls the same functions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from typing import Dict, List, Optional, Sequence, Tuple

from valkommen.channels.web.strings import widget_strings
from valkommen.core.locales import default_catalogue
from valkommen.core.paths import ROOT

STATIC = ROOT / "valkommen" / "channels" / "web" / "static"
WIDGET_FILES = ("widget.js", "widget.css")
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
QUESTION = "Hur får mitt barn modersmålsundervisning?"


def widget_sizes() -> Dict[str, Tuple[int, int]]:
    """File name -> (bytes, gzipped bytes) of what a page loads for the widget (strings of all languages too)."""
    files = {name: (STATIC / name).read_bytes() for name in WIDGET_FILES}
    files["strings.json"] = json.dumps(widget_strings(default_catalogue()), ensure_ascii=False).encode("utf-8")
    return {name: (len(data), len(gzip.compress(data, compresslevel=9))) for name, data in files.items()}


def browser_timings(page_url: str, runs: int = 5, question: str = QUESTION) -> Dict[str, List[float]]:
    """Seconds, per run in a fresh browser context: page load to the widget's button, and question to first reply."""
    from playwright.sync_api import sync_playwright

    timings: Dict[str, List[float]] = {"widget_ready": [], "first_reply": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                start = time.perf_counter()
                page.goto(page_url)
                page.locator(".vk-launcher").wait_for(state="visible")
                timings["widget_ready"].append(time.perf_counter() - start)
                page.locator(".vk-launcher").click()
                page.locator("#vk-input").fill(question)
                start = time.perf_counter()
                page.locator("#vk-input").press("Enter")
                page.wait_for_function("() => document.querySelectorAll('.vk-msg.vk-bot').length > 0", timeout=120_000)
                timings["first_reply"].append(time.perf_counter() - start)
                context.close()
        finally:
            browser.close()
    return timings


def report(sizes: Dict[str, Tuple[int, int]], timings: Optional[Dict[str, List[float]]] = None) -> str:
    """The figures as printable lines."""
    lines = [f"{name}: {raw:,} bytes, {gz:,} gzipped" for name, (raw, gz) in sizes.items()]
    raw, gz = sum(r for r, _ in sizes.values()), sum(g for _, g in sizes.values())
    lines.append(f"widget total: {gz / 1024:.1f} KB gzipped, {raw / 1024:.1f} KB raw (aim: under 30 KB gzipped)")
    for label, values in (timings or {}).items():
        if values:
            lines.append(
                f"{label.replace('_', ' ')}: median {statistics.median(values) * 1000:.0f} ms, "
                f"max {max(values) * 1000:.0f} ms over {len(values)} runs"
            )
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command line: print the sizes, and the browser timings when a page URL is given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", help="a demo page with the widget, e.g. http://localhost:8080/norrby.html")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    timings = browser_timings(args.page, args.runs) if args.page else None
    print(report(widget_sizes(), timings))


if __name__ == "__main__":
    main()
