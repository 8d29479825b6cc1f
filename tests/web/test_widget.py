"""The web widget in Debian's Chromium against the demo page server and the real Rasa + action servers."""

from __future__ import annotations

import re

import httpx

from bench.widget_measure import widget_sizes
from tests.web.helpers import ask, bot_count, bot_texts, open_widget, user_texts, wait_for_reply
from valkommen.core.places import load_places

XSS = "<img src=x onerror=alert(1)>"


def box(page, selector):
    return page.locator(selector).last.bounding_box()


def test_widget_with_its_strings_is_small_when_gzipped():
    assert sum(gz for _, gz in widget_sizes().values()) < 30 * 1024


def test_rasa_allows_the_widget_origin_and_no_foreign_origin(servers, web_origin):
    body = {"sender": "cors-check", "message": "Hej", "metadata": {"channel": "web"}}
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    own = httpx.post(url, json=body, headers={"Origin": web_origin}, timeout=60)
    foreign = httpx.post(url, json=body, headers={"Origin": "http://evil.example"}, timeout=60)
    preflight = httpx.options(
        url,
        headers={
            "Origin": "http://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert own.headers.get("access-control-allow-origin") == web_origin
    assert "access-control-allow-origin" not in foreign.headers
    assert "access-control-allow-origin" not in preflight.headers


def test_swedish_question_is_answered_on_the_meeting_place_page(page, demo_url, catalogue, shots):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hur får mitt barn modersmålsundervisning?")
    assert catalogue.answer("home_language", "sv").text in bot_texts(page)
    assert page.locator("#valkommen-widget").get_attribute("dir") == "ltr"
    user, bot, panel = box(page, ".vk-user .vk-bubble"), box(page, ".vk-bot .vk-bubble"), box(page, ".vk-panel")
    assert abs((user["x"] + user["width"]) - (panel["x"] + panel["width"])) < 30  # the user's bubble on the right
    assert abs(bot["x"] - panel["x"]) < 30  # the bot's on the left
    links = page.locator(".vk-bot .vk-text a")
    assert links.count() >= 1 and all(h.startswith("http") for h in links.evaluate_all("as => as.map(a => a.href)"))
    page.screenshot(path=str(shots / "ltr.png"))


def test_arabic_page_is_right_to_left_and_answers_in_arabic(page, demo_url, catalogue, shots):
    open_widget(page, f"{demo_url}/norrby.html?lang=ar")
    widget = page.locator("#valkommen-widget")
    assert widget.get_attribute("dir") == "rtl"
    assert widget.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".vk-send").text_content() == catalogue.interface("web_send", "ar")
    ask(page, "كيف يحصل طفلي على تعليم اللغة الأم؟")
    assert catalogue.answer("home_language", "ar").text in bot_texts(page)
    user, bot, panel = box(page, ".vk-user .vk-bubble"), box(page, ".vk-bot .vk-bubble"), box(page, ".vk-panel")
    assert abs(user["x"] - panel["x"]) < 30  # mirrored: the user's bubble on the left
    assert abs((bot["x"] + bot["width"]) - (panel["x"] + panel["width"])) < 30  # the bot's on the right
    page.screenshot(path=str(shots / "rtl.png"))


def test_language_picker_switches_to_persian_right_to_left(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/hulta.html")
    before = bot_count(page)
    page.locator("#vk-lang").select_option("fa")
    wait_for_reply(page, before)
    assert page.locator("#valkommen-widget").get_attribute("dir") == "rtl"
    assert page.locator("label[for=vk-input]").text_content() == catalogue.interface("web_input_label", "fa")
    assert catalogue.interface("language_set", "fa") in bot_texts(page)
    assert user_texts(page)[-1] == catalogue.locales["fa"].name


def test_the_interface_follows_the_language_the_reply_says(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/norrby.html?lang=sv")
    widget = page.locator("#valkommen-widget")
    assert widget.get_attribute("dir") == "ltr"
    before = bot_count(page)
    ask(page, "كيف يحصل طفلي على تعليم اللغة الأم؟")  # the reply ends with {"language": "ar", "direction": "rtl"}
    assert bot_count(page) == before + 1  # the answer; the language message itself shows nothing
    assert catalogue.answer("home_language", "ar").text in bot_texts(page)
    assert widget.get_attribute("dir") == "rtl" and widget.get_attribute("lang") == "ar"
    assert page.locator(".vk-send").text_content() == catalogue.interface("web_send", "ar")
    assert page.locator("#vk-lang").input_value() == "ar"


def test_quick_reply_sends_its_payload_and_shows_its_title(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/sjobo.html")
    ask(page, "Hej")
    title = catalogue.topic_title("school", "sv")
    before = bot_count(page)
    page.locator(".vk-msg.vk-bot").last.locator(".vk-reply", has_text=title).first.click()
    wait_for_reply(page, before)
    assert user_texts(page)[-1] == title
    assert catalogue.answer("school", "sv").text in bot_texts(page)


def test_nearest_meeting_place_is_a_card_with_a_map_link_and_no_coordinates(page, demo_url, shots):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Var ligger närmaste mötesplats? Jag bor på Norrby")
    card = page.locator(".vk-card").last
    card.wait_for()
    assert card.locator(".vk-card-title").text_content() == "Norrbyhuset"
    assert card.locator("a.vk-card-map").get_attribute("href").startswith("http")
    assert not re.search(r"\d+\.\d{2,}", card.inner_text())  # approximate coordinates are never shown
    page.screenshot(path=str(shots / "venue.png"))


def test_shared_browser_location_finds_the_nearest_meeting_place(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/")  # the index page: no meeting place of its own
    ask(page, "Var ligger närmaste mötesplats?")
    share = page.locator(".vk-locate-button").last
    assert share.text_content() == catalogue.interface("place_share_button", "sv")
    before = bot_count(page)
    share.click()  # the context's geolocation is in Norrby
    wait_for_reply(page, before)
    page.locator(".vk-card").last.wait_for()
    assert page.locator(".vk-card-title").last.text_content() == "Norrbyhuset"
    assert user_texts(page)[-1].endswith(catalogue.interface("web_location_shared", "sv"))


def test_every_meeting_place_has_a_page_with_the_widget(demo_url):
    index = httpx.get(f"{demo_url}/").text
    for place in load_places():
        assert f'href="/{place.id}.html' in index
        page = httpx.get(f"{demo_url}/{place.id}.html")
        assert page.status_code == 200
        assert place.name in page.text and f'data-meeting-place="{place.id}"' in page.text
    assert httpx.get(f"{demo_url}/nowhere.html").status_code == 404


def test_markup_in_a_message_is_shown_as_text_and_never_run(page, demo_url, dialogs):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, XSS)
    page.reload()
    page.locator(".vk-msg.vk-user").first.wait_for()
    assert XSS in user_texts(page)
    assert page.locator("#valkommen-widget img").count() == 0
    assert dialogs == []


def test_answer_text_links_only_http_urls_and_runs_no_markup(page, demo_url, dialogs):
    """A bot message as the widget stores it, rendered after a reload: text nodes and http(s) links only."""
    open_widget(page, f"{demo_url}/norrby.html")
    text = f"{XSS} <a href=javascript:alert(2)>x</a> javascript:alert(3) see https://www.boras.se/a_b?c=1)."
    page.evaluate("t => sessionStorage.setItem('valkommen:messages', JSON.stringify([{from: 'bot', text: t}]))", text)
    page.reload()
    bubble = page.locator(".vk-msg.vk-bot .vk-text").first
    bubble.wait_for()
    assert bubble.text_content() == text
    assert bubble.locator("a").evaluate_all("as => as.map(a => a.href)") == ["https://www.boras.se/a_b?c=1"]
    assert page.locator("#valkommen-widget img, #valkommen-widget script").count() == 0
    assert dialogs == []


def test_unreachable_server_keeps_the_message_and_retry_sends_it(page, demo_url, servers, catalogue):
    open_widget(page, f"{demo_url}/norrby.html")
    webhook = re.compile(re.escape(f"{servers.rasa_url}/webhooks/rest/webhook") + r"(\?.*)?$")  # the widget adds ?sender=
    page.route(webhook, lambda route: route.abort("connectionrefused"))
    page.locator("#vk-input").fill("Hur söker jag förskola?")
    page.locator("#vk-input").press("Enter")
    alert = page.locator(".vk-error[role=alert]")
    alert.wait_for()
    assert catalogue.interface("web_unreachable", "sv") in alert.inner_text()
    assert "Hur söker jag förskola?" in alert.inner_text()
    page.reload()  # still kept after a reload
    page.locator(".vk-error").wait_for()
    page.unroute(webhook)
    before = bot_count(page)
    page.locator(".vk-retry").click()
    wait_for_reply(page, before)
    assert page.locator(".vk-error").count() == 0
    assert user_texts(page) == ["Hur söker jag förskola?"]
    assert catalogue.answer("preschool", "sv").text in bot_texts(page)


def test_typing_indicator_shows_while_the_answer_is_on_its_way(page, demo_url, servers):
    open_widget(page, f"{demo_url}/norrby.html")
    held = []
    webhook = re.compile(re.escape(f"{servers.rasa_url}/webhooks/rest/webhook") + r"(\?.*)?$")  # the widget adds ?sender=
    page.route(webhook, lambda route: held.append(route))  # hold the request until the indicator has been seen
    page.locator("#vk-input").fill("Hej")
    page.locator("#vk-input").press("Enter")
    page.locator(".vk-typing").wait_for(state="visible")
    assert bot_count(page) == 0
    for _ in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()
    wait_for_reply(page, 0)
    assert page.locator(".vk-typing").is_hidden()


def test_conversation_survives_a_reload(page, demo_url, servers):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    shown = page.locator(".vk-msg").all_inner_texts()
    session = page.evaluate("JSON.parse(sessionStorage.getItem('valkommen:session'))")
    page.reload()
    page.locator(".vk-msg").first.wait_for()
    assert page.locator(".vk-msg").all_inner_texts() == shown
    assert page.evaluate("JSON.parse(sessionStorage.getItem('valkommen:session'))") == session
    ask(page, "Tack")
    tracker = httpx.get(f"{servers.rasa_url}/conversations/{session}/tracker", headers=servers.auth, timeout=30).json()
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said == ["Hej", "Tack"]
    metadata = [e.get("metadata") or {} for e in tracker["events"] if e["event"] == "user"]
    assert metadata[-1].get("channel") == "web" and metadata[-1].get("meeting_place") == "norrby"
    assert metadata[-1].get("language") == "sv"


def test_widget_fits_320_px_and_200_percent_text(browser, demo_url, catalogue, shots):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        open_widget(page, f"{demo_url}/norrby.html")
        ask(page, "Hur får mitt barn modersmålsundervisning?")
        panel = page.locator(".vk-panel").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 320
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.screenshot(path=str(shots / "narrow.png"))
        page.evaluate("document.documentElement.style.fontSize = '200%'")  # text zoom
        for selector in (".vk-input", ".vk-send", ".vk-close", "#vk-lang"):
            part = page.locator(selector).bounding_box()
            assert part["x"] >= 0 and part["x"] + part["width"] <= 320, selector
        assert page.locator(".vk-input").bounding_box()["width"] >= 200  # room to write, not a sliver
        assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scrolling
        assert page.evaluate("(() => { const l = document.querySelector('.vk-log'); return l.scrollWidth <= l.clientWidth; })()")
        page.screenshot(path=str(shots / "narrow-200.png"))
    finally:
        context.close()


def test_keyboard_alone_opens_sends_and_closes(page, demo_url, catalogue):
    page.goto(f"{demo_url}/norrby.html")
    for _ in range(30):
        if page.evaluate("document.activeElement.classList.contains('vk-launcher')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('vk-launcher')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "vk-input"
    before = bot_count(page)
    page.keyboard.type("Hur får mitt barn modersmålsundervisning?")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert catalogue.answer("home_language", "sv").text in bot_texts(page)
    page.keyboard.press("Escape")
    assert page.locator(".vk-panel").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('vk-launcher')")


def test_new_answers_are_in_a_live_region(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hur får mitt barn modersmålsundervisning?")
    log = page.locator("[role=log][aria-live=polite]")
    assert catalogue.answer("home_language", "sv").text in log.inner_text()


def test_copy_button_puts_the_answer_on_the_clipboard(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hur får mitt barn modersmålsundervisning?")
    answer = catalogue.answer("home_language", "sv").text
    page.locator(".vk-msg.vk-bot", has_text=answer.splitlines()[0]).last.locator(".vk-copy").click()
    page.wait_for_function("t => navigator.clipboard.readText().then(c => c === t)", arg=answer)
