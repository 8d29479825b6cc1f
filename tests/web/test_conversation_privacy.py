"""The widget's first contact, storage, erasure, queue and translation notice, in Chromium against the real servers."""

from __future__ import annotations

import re
import time

import httpx
from playwright.sync_api import expect

from tests.web.helpers import ask, bot_count, bot_texts, open_widget, user_texts, wait_for_reply

WEBHOOK = r"/webhooks/rest/webhook(\?.*)?$"


def stored(page, where: str, name: str):
    return page.evaluate(f"JSON.parse({where}.getItem('valkommen:{name}'))")


def test_first_contact_says_it_is_an_automated_assistant_and_links_the_privacy_notice(page, demo_url, catalogue, shots):
    open_widget(page, f"{demo_url}/norrby.html")
    intro = page.locator(".vk-log .vk-intro")
    expect(intro).to_contain_text(catalogue.interface("disclosure", "sv"))
    assert intro.get_attribute("lang") == "sv" and intro.get_attribute("dir") == "ltr"
    links = intro.locator("a")
    assert links.all_text_contents() == [
        catalogue.interface("web_privacy_link", "sv"),
        catalogue.interface("web_accessibility_link", "sv"),
    ]
    hrefs = links.evaluate_all("as => as.map(a => a.href)")
    assert hrefs == [f"{demo_url}/privacy.html?lang=sv", f"{demo_url}/accessibility.html?lang=sv"]
    assert httpx.get(hrefs[0]).status_code == 200 and httpx.get(hrefs[1]).status_code == 200
    ask(page, "Hur får mitt barn modersmålsundervisning?")
    # Short: the first answer is not buried; the log shows its start without scrolling back up.
    log, answer = page.locator(".vk-log").bounding_box(), page.locator(".vk-bot .vk-bubble").first.bounding_box()
    assert intro.bounding_box()["height"] < log["height"] / 2
    assert log["y"] <= answer["y"] < log["y"] + log["height"] / 2  # the answer's start is in sight
    page.screenshot(path=str(shots / "disclosure.png"))


def test_the_disclosure_and_the_widgets_own_texts_follow_the_conversation_language(page, demo_url, catalogue):
    open_widget(page, f"{demo_url}/norrby.html?lang=sv")
    ask(page, "كيف يحصل طفلي على تعليم اللغة الأم؟")
    assert page.locator(".vk-intro-text").text_content() == catalogue.interface("disclosure", "ar")
    assert page.locator(".vk-intro").get_attribute("dir") == "rtl"
    assert page.locator(".vk-erase").text_content() == catalogue.interface("web_erase", "ar")
    assert page.locator(".vk-input").get_attribute("placeholder") == catalogue.interface("web_placeholder", "ar")
    assert page.locator(".vk-intro a").first.get_attribute("href").endswith("privacy.html?lang=ar")
    for selector in (".vk-msg.vk-user", ".vk-msg.vk-bot"):  # the question was read as Arabic, the answer is
        assert page.locator(selector).last.get_attribute("lang") == "ar", selector
        assert page.locator(selector).last.get_attribute("dir") == "rtl", selector


def test_history_is_kept_for_the_tab_only_unless_the_page_opts_in(browser, page, demo_url):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    page.locator("#vk-input").fill("ett utkast")
    assert len(stored(page, "sessionStorage", "messages")) >= 2
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('valkommen:'))") == []
    other = page.context.new_page()  # another tab of the same browser: nothing of the first
    open_widget(other, f"{demo_url}/norrby.html")
    assert other.locator(".vk-msg").count() == 0 and other.locator("#vk-input").input_value() == ""
    other.close()


def test_a_conversation_an_older_widget_left_in_local_storage_is_removed(page, demo_url):
    page.goto(f"{demo_url}/norrby.html")
    page.evaluate(
        """() => { localStorage.setItem('valkommen:session', JSON.stringify('old'));
                   localStorage.setItem('valkommen:messages', JSON.stringify([{from: 'user', text: 'mitt personnummer'}])); }"""
    )
    open_widget(page, f"{demo_url}/norrby.html")
    assert page.locator(".vk-msg").count() == 0
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('valkommen:'))") == []


def test_a_page_that_keeps_history_drops_it_a_day_after_the_last_use(page, demo_url):
    url = f"{demo_url}/norrby.html?keep-history=true"
    open_widget(page, url)
    ask(page, "Hej")
    page.locator("#vk-input").fill("ett utkast")
    page.locator("#vk-input").press("End")
    expires = stored(page, "localStorage", "expires")
    assert abs(expires / 1000 - (time.time() + 24 * 3600)) < 120
    page.reload()  # kept: same conversation, same draft
    page.locator(".vk-msg").first.wait_for()
    assert page.locator("#vk-input").input_value() == "ett utkast"
    page.evaluate("localStorage.setItem('valkommen:expires', JSON.stringify(Date.now() - 1000))")
    open_widget(page, url)
    assert page.locator(".vk-msg").count() == 0 and page.locator("#vk-input").input_value() == ""
    assert stored(page, "localStorage", "messages") is None


def test_every_message_carries_the_conversations_erase_secret(page, demo_url, servers):
    secrets = []
    page.on("request", lambda r: secrets.append(r.post_data_json["metadata"].get("erase_secret")) if "webhook" in r.url else None)
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    ask(page, "Tack")
    assert len(secrets) == 2 and secrets[0] == secrets[1] == stored(page, "sessionStorage", "secret")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", secrets[0])


def test_deleting_the_conversation_deletes_it_here_and_on_the_server(page, demo_url, servers, catalogue, shots):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    session, secret = stored(page, "sessionStorage", "session"), stored(page, "sessionStorage", "secret")
    page.locator(".vk-erase").click()
    note = page.locator(".vk-log .vk-system")
    expect(note).to_have_text(catalogue.interface("web_erase_done", "sv"))
    assert page.locator(".vk-msg").count() == 0
    assert page.evaluate("document.activeElement.id") == "vk-input"
    page.screenshot(path=str(shots / "erased.png"))
    tracker = httpx.get(f"{servers.rasa_url}/conversations/{session}/tracker", headers=servers.auth, timeout=30).json()
    assert [e for e in tracker.get("events") or [] if e["event"] == "user"] == []
    assert stored(page, "sessionStorage", "session") not in (None, session)
    assert stored(page, "sessionStorage", "secret") not in (None, secret)
    assert stored(page, "localStorage", "erase") is None  # nothing left to retry
    ask(page, "Hej")  # a new conversation works


def test_an_unreachable_server_keeps_the_erase_request_and_sends_it_on_the_next_start(page, demo_url, servers, catalogue):
    open_widget(page, f"{demo_url}/norrby.html")
    ask(page, "Hej")
    session = stored(page, "sessionStorage", "session")
    page.route(re.compile(r".*/privacy/erase$"), lambda route: route.abort("connectionrefused"))
    page.locator(".vk-erase").click()
    expect(page.locator(".vk-system")).to_have_text(catalogue.interface("web_erase_offline", "sv"))
    assert page.locator(".vk-msg").count() == 0  # gone from this device all the same
    assert [e["sender"] for e in stored(page, "localStorage", "erase")] == [session]
    page.unroute(re.compile(r".*/privacy/erase$"))
    with page.expect_response(re.compile(r".*/privacy/erase$")) as erased:
        page.reload()
    assert erased.value.status == 204
    page.wait_for_function("() => localStorage.getItem('valkommen:erase') === null")


def test_a_message_typed_while_the_answer_is_on_its_way_is_queued_and_sent_after_it(page, demo_url, catalogue, shots):
    open_widget(page, f"{demo_url}/norrby.html")
    held = []
    page.route(re.compile(WEBHOOK), lambda route: route.continue_() if held else held.append(route))  # holds the first
    page.locator("#vk-input").fill("Hur får mitt barn modersmålsundervisning?")
    page.locator("#vk-input").press("Enter")
    page.locator(".vk-typing").wait_for(state="visible")
    page.locator("#vk-input").fill("Hur söker jag förskola?")
    page.locator("#vk-input").press("Enter")  # Enter works while the first answer is pending
    queued = page.locator(".vk-outbox .vk-queued")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("Hur söker jag förskola?")
    expect(queued.locator(".vk-queued-label")).to_have_text(catalogue.interface("web_queued", "sv"))
    expect(page.locator(".vk-panel [role=status]")).to_have_text(catalogue.interface("web_queued", "sv"))
    assert page.locator("#vk-input").input_value() == ""
    page.screenshot(path=str(shots / "queued.png"))
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()
    page.wait_for_function("() => document.querySelectorAll('.vk-msg.vk-bot').length >= 2", timeout=60_000)
    wait_for_reply(page, 1)
    assert user_texts(page) == ["Hur får mitt barn modersmålsundervisning?", "Hur söker jag förskola?"]
    texts = bot_texts(page)
    assert texts.index(catalogue.answer("home_language", "sv").text) < texts.index(catalogue.answer("preschool", "sv").text)
    assert queued.count() == 0


def test_an_unreviewed_translation_says_so_once_and_shows_the_swedish_answer(page, demo_url, catalogue, shots):
    assert not catalogue.locales["ar"].answers["home_language"].reviewed  # machine-translated
    open_widget(page, f"{demo_url}/norrby.html?lang=ar")
    ask(page, "كيف يحصل طفلي على تعليم اللغة الأم؟")
    note = page.locator(".vk-note")
    expect(note).to_have_count(1)
    assert note.text_content() == catalogue.interface("web_unreviewed", "ar")
    assert note.get_attribute("lang") == "ar"
    button = page.locator(".vk-msg.vk-bot").last.locator(".vk-swedish")
    assert button.text_content() == catalogue.interface("web_show_swedish", "ar")
    page.screenshot(path=str(shots / "unreviewed.png"))
    before = bot_count(page)
    button.click()
    assert bot_count(page) == before + 1
    swedish = page.locator(".vk-msg.vk-bot").last
    assert swedish.get_attribute("lang") == "sv" and swedish.get_attribute("dir") == "ltr"
    assert swedish.locator(".vk-text").text_content() == catalogue.answer("home_language", "sv").text
    assert page.locator(".vk-msg.vk-bot").nth(before - 1).locator(".vk-swedish").count() == 0
    ask(page, "/preschool")  # a second machine-translated answer (the topic button's payload): no second notice
    assert note.count() == 1
    assert page.locator(".vk-msg.vk-bot").last.locator(".vk-swedish").count() == 1
    page.reload()
    page.locator(".vk-note").wait_for()
    assert page.locator(".vk-note").count() == 1
