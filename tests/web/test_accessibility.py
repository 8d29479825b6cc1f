"""WCAG 2.2 AA in Chromium: axe-core's rules and the checks axe cannot make (target size, focus, reflow, bidi)."""

from __future__ import annotations

from typing import Any, List

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.web.helpers import ask, open_widget

#: Every WCAG rule of axe-core up to 2.2 AA (axe-core 4.12, bundled with axe-playwright-python).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Controls a user taps: at least 24 × 24 CSS pixels (WCAG 2.5.8); inline links in a sentence are exempt.
TARGETS = "#valkommen-widget button, #valkommen-widget select, #valkommen-widget textarea, #valkommen-widget .vk-page-link, .site-footer a"


def violations(page: Page) -> List[Any]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def small_targets(page: Page) -> List[Any]:
    return page.locator(TARGETS).evaluate_all(
        """els => els.filter(e => e.offsetParent !== null).map(e => [e.className || e.tagName, e.getBoundingClientRect()])
                 .filter(([, r]) => r.width < 24 || r.height < 24).map(([n, r]) => [n, r.width, r.height])"""
    )


def test_axe_finds_no_wcag_22_aa_violation_in_swedish_after_a_conversation_with_buttons(page, demo_url, shots):
    open_widget(page, f"{demo_url}/norrby.html?lang=sv")
    ask(page, "Hej")  # the greeting with the topic buttons
    assert page.locator(".vk-reply").count() > 5
    ask(page, "Hur får mitt barn modersmålsundervisning?")  # an answer with links, copy and feedback buttons
    assert violations(page) == []
    assert small_targets(page) == []
    page.screenshot(path=str(shots / "axe-sv.png"))


def test_axe_finds_no_wcag_22_aa_violation_in_arabic_right_to_left(page, demo_url, shots):
    open_widget(page, f"{demo_url}/norrby.html?lang=ar")
    ask(page, "مرحبا")
    ask(page, "كيف يحصل طفلي على تعليم اللغة الأم؟")  # machine-translated: the notice and "show in Swedish"
    page.locator(".vk-swedish").last.click()
    assert page.locator(".vk-msg:not([lang]), .vk-msg:not([dir]), .vk-bubble:not([lang]), .vk-bubble:not([dir])").count() == 0
    assert violations(page) == []
    assert small_targets(page) == []
    page.screenshot(path=str(shots / "axe-ar.png"))


@pytest.mark.parametrize(
    "path", ["/privacy.html?lang=sv", "/privacy.html?lang=ar", "/accessibility.html?lang=sv", "/accessibility.html?lang=en"]
)
def test_axe_finds_no_wcag_22_aa_violation_on_the_privacy_and_accessibility_pages(page, demo_url, shots, path):
    page.goto(f"{demo_url}{path}")
    assert violations(page) == []
    assert small_targets(page) == []
    name = path.strip("/").replace(".html?lang=", "-")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_axe_finds_no_violation_at_320_px_and_nothing_is_lost_at_200_percent_text(browser, demo_url, shots, lang):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        open_widget(page, f"{demo_url}/norrby.html?lang={lang}")
        ask(page, "Hej")
        assert violations(page) == []
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        # Every control and the disclosure's links stay inside the screen, none clipped to nothing.
        outside = page.locator(TARGETS).evaluate_all(
            """els => els.filter(e => e.offsetParent !== null).map(e => [e.className, e.getBoundingClientRect()])
                     .filter(([, r]) => r.left < 0 || r.right > 320 || r.width < 24).map(([n]) => n)"""
        )
        assert outside == []
        page.screenshot(path=str(shots / f"narrow-200-{lang}.png"))
    finally:
        context.close()


def test_focus_is_always_visible_in_the_widget(page, demo_url):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """(() => { const e = document.activeElement; const s = getComputedStyle(e);
                 return {inside: !!e.closest('#valkommen-widget'), key: e.id || e.className + '|' + e.textContent,
                         outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; })()"""
        )
        if not info["inside"]:
            continue
        assert info["outline"] != "none" and info["width"] >= 2, info  # a 3 px outline, 2 px off the control
        seen.add(info["key"])
    assert len(seen) >= 8  # launcher-less panel: close, language, delete, log, links, replies, input, send


def test_focus_on_the_page_is_never_hidden_behind_the_open_widget(page, demo_url):
    page.set_viewport_size({"width": 1000, "height": 600})
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    page.locator(".site a").focus()  # the page's first link, then Tab through all of the page
    hidden = []
    for _ in range(80):
        page.keyboard.press("Tab")
        result = page.evaluate(
            """(() => { const e = document.activeElement; if (e.closest('#valkommen-widget') || e === document.body) return null;
                 const r = e.getBoundingClientRect(); const p = document.querySelector('.vk-panel');
                 const c = (p.hidden ? document.querySelector('.vk-launcher') : p).getBoundingClientRect();
                 const over = r.left < c.right && c.left < r.right && r.top < c.bottom && c.top < r.bottom;
                 const seen = r.bottom > 0 && r.top < innerHeight;
                 return {text: e.textContent, over, seen}; })()"""
        )
        if result and (result["over"] or not result["seen"]):
            hidden.append(result)
    assert hidden == []


def test_on_a_narrow_screen_leaving_the_open_chat_for_the_page_closes_it(browser, demo_url):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        open_widget(page, f"{demo_url}/norrby.html")
        page.keyboard.press("Shift+Tab")  # from the input backwards, out of the widget eventually
        for _ in range(20):
            if not page.evaluate("!!document.activeElement.closest('#valkommen-widget')"):
                break
            page.keyboard.press("Shift+Tab")
        assert page.locator(".vk-panel").is_hidden()
        box = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect(); return [r.top, r.bottom]; })()")
        launcher = page.locator(".vk-launcher").bounding_box()
        assert box[0] >= 0 and box[1] <= launcher["y"] + 1  # in sight, above the launcher
    finally:
        context.close()


@pytest.mark.parametrize("lang, question", [("ar", "/violence_support"), ("fa", "/violence_support")])
def test_phone_numbers_read_left_to_right_inside_right_to_left_answers(page, demo_url, catalogue, shots, lang, question):
    """Issue #18: "020-50 50 50" and "116 111" keep their order in Arabic and Persian (Chromium's bidi)."""
    open_widget(page, f"{demo_url}/norrby.html?lang={lang}")
    ask(page, question)
    bubble = page.locator(".vk-msg.vk-bot .vk-text").last
    assert bubble.evaluate("e => getComputedStyle(e).direction") == "rtl"
    for number in (catalogue.facts["phone_kvinnofridslinjen"].value, catalogue.facts["phone_bris"].value):
        lines = bubble.evaluate(
            """(e, number) => {
                 const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); let node;
                 while ((node = walker.nextNode())) {
                   const at = node.data.indexOf(number); if (at < 0) continue;
                   const chars = [];
                   for (let i = 0; i < number.length; i++) {
                     if (number[i] === ' ') continue;
                     const range = document.createRange(); range.setStart(node, at + i); range.setEnd(node, at + i + 1);
                     const r = range.getClientRects()[0]; chars.push({c: number[i], x: r.left, top: Math.round(r.top)});
                   }
                   const lines = {}; chars.forEach(ch => (lines[ch.top] = lines[ch.top] || []).push(ch));
                   return Object.values(lines).map(l => ({logical: l.map(ch => ch.c).join(''),
                     visual: [...l].sort((a, b) => a.x - b.x).map(ch => ch.c).join('')}));
                 }
                 return null; }""",
            number,
        )
        assert lines, number
        for line in lines:  # on every line the digits appear left to right in the order they are written
            assert line["visual"] == line["logical"], (number, line)
        assert "".join(line["logical"] for line in lines) == number.replace(" ", "")
    page.screenshot(path=str(shots / f"phones-{lang}.png"))


#: Counts nodes added inside the live log once it is part of the page (what a screen reader announces).
COUNT_ANNOUNCED = """
window.__announced = 0;
new MutationObserver(records => records.forEach(r => {
  const log = r.target.closest && r.target.closest('[role=log]');
  if (log) window.__announced += r.addedNodes.length;
})).observe(document, {childList: true, subtree: true});
"""


def test_new_messages_are_announced_and_the_history_is_not_announced_again(page, demo_url, catalogue):
    page.add_init_script(COUNT_ANNOUNCED)
    open_widget(page, f"{demo_url}/norrby.html")
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("aria-relevant") == "additions"
    ask(page, "Hej")
    assert page.evaluate("() => window.__announced") >= 2  # the question and the answer
    page.reload()
    page.locator(".vk-msg").first.wait_for()
    assert page.locator(".vk-msg").count() >= 2
    assert page.evaluate("() => window.__announced") == 0  # the history was in place before the log was
