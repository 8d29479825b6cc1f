"""End to end: Telegram updates through the fake Bot API, the bot's real PTB network code, real Rasa."""

from __future__ import annotations

import html
from typing import Dict, List

import httpx
import pytest
import yaml

from tests.telegram.conftest import TOKEN
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.harness import (
    BotRunner,
    button_update,
    edited_update,
    inline_update,
    location_update,
    new_user_id,
    sticker_update,
    text_update,
)
from tools.servers import ROOT, free_port
from valkommen.channels.telegram.redact import REDACTED
from valkommen.channels.telegram.settings import TelegramSettings
from valkommen.core.languages import SUPPORTED_LANGUAGES
from valkommen.core.privacy_notice import notice, render_text
from valkommen.core.pseudonym import pseudonymous_id


def texts(bot_api, chat_id: int) -> List[str]:
    """The texts the bot sent to ``chat_id``, unescaped, in order."""
    return [html.unescape(call.params.get("text", "")) for call in bot_api.calls_of("sendMessage", chat_id)]


def wait_text(bot_api, chat_id: int, expected: str) -> None:
    try:
        bot_api.wait_for(lambda: expected in texts(bot_api, chat_id))
    except AssertionError as error:
        raise AssertionError(f"{expected!r} not among the texts sent: {texts(bot_api, chat_id)!r}") from error


def tracker_events(servers, chat_id: int) -> List[Dict]:
    sender = pseudonymous_id("telegram", chat_id)
    response = httpx.get(f"{servers.rasa_url}/conversations/{sender}/tracker", headers=servers.auth, timeout=30)
    response.raise_for_status()
    return response.json()["events"]


def longest_example(training_examples, intent: str, language: str) -> str:
    rows = [e.text for e in training_examples if e.intent == intent and e.language == language]
    return max(rows, key=len)


def test_a_question_in_each_language_is_answered_in_that_language(bot, bot_api, catalogue, training_examples):
    chats = {language: new_user_id() for language in SUPPORTED_LANGUAGES}
    for language, chat_id in chats.items():
        bot_api.push(text_update(chat_id, longest_example(training_examples, "school", language)))
    for language, chat_id in chats.items():
        wait_text(bot_api, chat_id, catalogue.answer("school", language).text)


def test_replies_are_sent_as_escaped_html(bot, bot_api):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "What can you do?", "en"))
    call = bot_api.wait_for(lambda: bot_api.calls_of("sendMessage", chat_id))[0]
    assert call.params["parse_mode"] == "HTML"
    assert html.escape(html.unescape(call.params["text"])) == call.params["text"]


def button_data(bot_api, chat_id: int, title: str) -> List[str]:
    """The callback data Telegram got for the inline buttons titled ``title`` in ``chat_id``."""
    return [
        button["callback_data"]
        for call in bot_api.calls_of("sendMessage", chat_id)
        for row in (call.json("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
        if button.get("text") == title and "callback_data" in button
    ]


def test_a_button_press_sends_its_payload_to_rasa_and_answers_the_press(bot, bot_api, catalogue, servers):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/topics", "en"))
    data = bot_api.wait_for(lambda: button_data(bot_api, chat_id, catalogue.topic_title("home_language", "en")))[0]
    bot_api.push(button_update(chat_id, data, "en"))
    wait_text(bot_api, chat_id, catalogue.answer("home_language", "en").text)
    assert bot_api.calls_of("answerCallbackQuery")
    user_texts = [e.get("text") for e in tracker_events(servers, chat_id) if e["event"] == "user"]
    assert user_texts == ["/help", "/home_language"]


def test_topic_buttons_become_an_inline_keyboard_with_short_keys_for_their_payloads(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/topics", "en"))
    call = bot_api.wait_for(lambda: [c for c in bot_api.calls_of("sendMessage", chat_id) if "reply_markup" in c.params])[0]
    rows = call.json("reply_markup")["inline_keyboard"]
    assert catalogue.topic_title("school", "en") in [row[0]["text"] for row in rows]
    data = [row[0]["callback_data"] for row in rows]
    assert all(len(d.encode("utf-8")) <= 64 for d in data) and len(set(data)) == len(data)
    assert not any(d.startswith("/") for d in data)  # PTB's keys (arbitrary callback data), not the payloads


def test_a_button_the_bot_no_longer_knows_gets_the_expired_reply(bot, bot_api, catalogue, servers):
    chat_id = new_user_id()
    bot_api.push(button_update(chat_id, "0" * 64, "bs"))  # e.g. a keyboard sent before a restart
    wait_text(bot_api, chat_id, catalogue.interface("telegram_button_expired", "bs"))


def test_a_shared_location_reaches_rasa_as_share_location_with_its_coordinates(bot, bot_api, servers):
    chat_id = new_user_id()
    bot_api.push(location_update(chat_id, 57.73, 12.94, "sv"))
    bot_api.wait_for(lambda: bot_api.calls_of("sendMessage", chat_id) or bot_api.calls_of("sendVenue", chat_id))
    users = [e for e in tracker_events(servers, chat_id) if e["event"] == "user"]
    assert users[-1]["text"] == "/share_location"
    metadata = users[-1]["metadata"]
    assert metadata["location"] == {"lat": 57.73, "lon": 12.94}
    assert metadata["channel"] == "telegram" and metadata["language"] == "sv"


def test_the_sender_id_is_pseudonymous(bot, bot_api, servers):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "Hej", "sv"))
    bot_api.wait_for(lambda: bot_api.calls_of("sendMessage", chat_id))
    sender = pseudonymous_id("telegram", chat_id)
    assert str(chat_id) not in sender
    assert [e for e in tracker_events(servers, chat_id) if e["event"] == "user"]


def test_a_deep_link_opens_the_topic_in_its_language(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/start home_language_ar", "sv"))
    wait_text(bot_api, chat_id, catalogue.answer("home_language", "ar").text)
    assert catalogue.interface("language_set", "ar") not in texts(bot_api, chat_id)


def test_start_welcomes_and_offers_the_languages(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/start", "uk"))
    bot_api.wait_for(lambda: catalogue.interface("choose_language", "uk") in texts(bot_api, chat_id))
    first, second = texts(bot_api, chat_id)[:2]
    assert first.startswith(catalogue.interface("disclosure", "uk"))  # who is answering, before anything else
    assert catalogue.interface("greet", "uk") in second


def disclosure(catalogue, language: str) -> str:
    data = catalogue.interface("disclosure_data_telegram", language).replace("{days}", "21")
    return f"{catalogue.interface('disclosure', language)}\n{data}"


def test_a_new_user_is_told_once_that_an_automated_assistant_answers_before_the_first_answer(
    bot, bot_api, catalogue, training_examples
):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, longest_example(training_examples, "school", "ar")))
    wait_text(bot_api, chat_id, catalogue.answer("school", "ar").text)
    assert texts(bot_api, chat_id)[0] == disclosure(catalogue, "ar")  # in the answer's language, one message
    assert "/privacy" in texts(bot_api, chat_id)[0]
    bot_api.push(text_update(chat_id, longest_example(training_examples, "sfi", "ar")))
    wait_text(bot_api, chat_id, catalogue.answer("sfi", "ar").text)
    assert texts(bot_api, chat_id).count(disclosure(catalogue, "ar")) == 1


def test_a_user_the_server_already_knows_gets_no_disclosure_after_a_restart_of_the_bot(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/thanks", "en"))
    wait_text(bot_api, chat_id, catalogue.interface("thanks", "en"))
    bot.application.drop_user_data(chat_id)  # what a restart of the bot forgets
    bot_api.push(text_update(chat_id, "/goodbye", "en"))
    wait_text(bot_api, chat_id, catalogue.interface("goodbye", "en"))
    assert texts(bot_api, chat_id).count(disclosure(catalogue, "en")) == 1


def test_help_and_privacy_come_from_the_locales(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/help", "fa"))
    bot_api.push(text_update(chat_id, "/privacy", "fa"))
    wait_text(bot_api, chat_id, catalogue.interface("telegram_help", "fa"))
    wait_text(bot_api, chat_id, render_text(notice("fa", catalogue)))


def test_privacy_shows_the_whole_notice_in_the_users_language(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/privacy", "so"))
    wait_text(bot_api, chat_id, render_text(notice("so", catalogue)))
    text = texts(bot_api, chat_id)[-1]
    for section in notice("so", catalogue).sections:
        assert section.heading in text
    assert "IMY" in text and "/delete" in text and "21" in text and len(text) <= 4096


def test_asking_what_happens_to_my_data_gets_the_privacy_summary_and_the_privacy_command(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "what do you guys do with my data", "en"))
    summary = catalogue.interface("privacy_summary", "en").replace("{days}", "21")
    wait_text(bot_api, chat_id, f"{summary}\n{notice('en', catalogue).title}: /privacy")


def test_an_inline_query_offers_the_best_answers_in_the_questions_language(bot, bot_api, catalogue):
    user_id = new_user_id()
    question = "كيف يحصل طفلي على تعليم اللغة الأم؟"
    bot_api.push(inline_update(user_id, question, "sv"))
    call = bot_api.wait_for(
        lambda: [
            c
            for c in bot_api.calls_of("answerInlineQuery")
            if c.json("results") is not None and any(r["id"].endswith(":ar") for r in c.json("results"))
        ]
    )[0]
    results = call.json("results")
    assert 1 <= len(results) <= 3
    assert results[0]["id"] == "home_language:ar"
    message = html.unescape(results[0]["input_message_content"]["message_text"])
    assert message == catalogue.answer("home_language", "ar").text
    assert (question.casefold(), "") in bot.services.inline_cache


def test_an_inline_query_with_a_language_prefix_answers_in_that_language(bot, bot_api, catalogue):
    user_id = new_user_id()
    bot_api.push(inline_update(user_id, "ti: How do I get a place in school for my child?", "en"))
    call = bot_api.wait_for(
        lambda: [c for c in bot_api.calls_of("answerInlineQuery") if any(r["id"] == "school:ti" for r in c.json("results") or [])]
    )[0]
    assert all(r["id"].endswith(":ti") for r in call.json("results"))


def test_a_sticker_gets_a_short_reply_in_the_users_language(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(sticker_update(chat_id, "uk"))
    wait_text(bot_api, chat_id, catalogue.interface("telegram_unsupported", "uk"))


def test_without_a_telegram_language_the_short_reply_is_in_the_conversations_language(bot, bot_api, catalogue, training_examples):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, longest_example(training_examples, "school", "ti")))
    wait_text(bot_api, chat_id, catalogue.answer("school", "ti").text)
    bot_api.push(sticker_update(chat_id))
    wait_text(bot_api, chat_id, catalogue.interface("telegram_unsupported", "ti"))


def test_the_bots_own_lines_follow_the_language_the_reply_says_over_telegrams(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, '/change_language{"language":"ar"}', "sv"))
    wait_text(bot_api, chat_id, catalogue.interface("language_set", "ar"))
    bot_api.push(text_update(chat_id, "/help", "sv"))
    wait_text(bot_api, chat_id, catalogue.interface("telegram_help", "ar"))


def test_telegram_never_asks_the_tracker_for_the_language(bot, bot_api, catalogue, training_examples):
    requests: List[str] = []

    async def record(request: httpx.Request) -> None:
        requests.append(f"{request.method} {request.url.path}")

    hooks = bot.services.rasa._client.event_hooks
    hooks["request"] = [*hooks["request"], record]
    try:
        places = yaml.safe_load((ROOT / "data" / "meeting_places.yml").read_text(encoding="utf-8"))["meeting_places"]
        chat_id = new_user_id()
        bot_api.push(text_update(chat_id, longest_example(training_examples, "school", "fa")))
        wait_text(bot_api, chat_id, catalogue.answer("school", "fa").text)
        bot_api.push(sticker_update(chat_id))
        wait_text(bot_api, chat_id, catalogue.interface("telegram_unsupported", "fa"))
        bot_api.push(location_update(chat_id, places[0]["location"]["lat"], places[0]["location"]["lon"]))
        bot_api.wait_for(lambda: bot_api.calls_of("sendVenue", chat_id))
    finally:
        hooks["request"] = [hook for hook in hooks["request"] if hook is not record]
    assert "POST /webhooks/rest/webhook" in requests
    # (one GET of the privacy route: does the server keep messages of this user, i.e. is the user new)
    assert not [r for r in requests if (r.startswith("GET") and "/privacy/conversations/" not in r) or r.endswith("/tracker")]
    assert not hasattr(bot.services.rasa, "conversation_language")


def test_an_edited_message_gets_a_short_reply(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(edited_update(chat_id, "Hej igen", "bs"))
    wait_text(bot_api, chat_id, catalogue.interface("telegram_edited", "bs"))


def test_a_flood_gets_one_warning_and_no_more_than_the_limit_reaches_rasa(bot, bot_api, catalogue, servers):
    chat_id = new_user_id()
    limit = bot.settings.rate_limit_messages
    for _ in range(limit + 5):
        bot_api.push(text_update(chat_id, "/thanks", "so"))
    warning = catalogue.interface("telegram_slow_down", "so")
    wait_text(bot_api, chat_id, warning)
    thanks = catalogue.interface("thanks", "so")
    try:
        bot_api.wait_for(lambda: texts(bot_api, chat_id).count(thanks) == limit)
    except AssertionError as error:
        raise AssertionError(f"expected {limit} x {thanks!r}: {texts(bot_api, chat_id)!r}") from error
    assert texts(bot_api, chat_id).count(warning) == 1
    assert len([e for e in tracker_events(servers, chat_id) if e["event"] == "user"]) == limit


def test_flood_control_from_telegram_is_waited_out(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.fail_next("sendMessage", chat_id, 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    bot_api.push(text_update(chat_id, "/help", "en"))
    first, second = bot_api.wait_for(
        lambda: len(bot_api.calls_of("sendMessage", chat_id)) == 2 and bot_api.calls_of("sendMessage", chat_id)
    )
    assert first.params["text"] == second.params["text"]  # the refused message, sent again


def test_a_user_who_blocked_the_bot_does_not_stop_it(bot, bot_api, catalogue):
    blocked, other = new_user_id(), new_user_id()
    bot_api.fail_next("sendMessage", blocked, 403, "Forbidden: bot was blocked by the user")
    bot_api.push(text_update(blocked, "/help", "en"))
    bot_api.wait_for(lambda: bot_api.calls_of("sendMessage", blocked))
    bot_api.push(text_update(other, "/help", "en"))
    wait_text(bot_api, other, catalogue.interface("telegram_help", "en"))


def test_when_rasa_is_down_the_user_hears_so_and_the_message_is_answered_once_rasa_is_back(servers, catalogue, log_capture):
    bot_api = FakeBotApi(TOKEN).start()  # a Bot API of its own: the session's bot must not take these updates
    dead = f"http://127.0.0.1:{free_port()}"
    settings = TelegramSettings(token=TOKEN, rasa_url=dead, api_url=bot_api.base_url, retry_interval=0.5)
    runner = BotRunner(settings, catalogue).start()
    try:
        chat_id = new_user_id()
        bot_api.push(text_update(chat_id, "Hur får mitt barn modersmålsundervisning?", "sv"))
        wait_text(bot_api, chat_id, catalogue.interface("telegram_kept", "sv"))
        assert len(runner.services.pending) == 1
        runner.services.rasa.base_url = servers.rasa_url  # Rasa is back at its address
        wait_text(bot_api, chat_id, catalogue.answer("home_language", "sv").text)
        assert len(runner.services.pending) == 0
    finally:
        runner.stop()
        bot_api.stop()


def test_delete_removes_the_conversation_on_the_rasa_server(bot, bot_api, catalogue, servers):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "Hej", "sv"))
    bot_api.wait_for(lambda: bot_api.calls_of("sendMessage", chat_id))
    assert [e for e in tracker_events(servers, chat_id) if e["event"] == "user"]
    bot_api.push(text_update(chat_id, "/delete", "sv"))
    bot_api.wait_for(
        lambda: (
            {catalogue.interface("telegram_deleted", "sv"), catalogue.interface("telegram_delete_failed", "sv")}
            & set(texts(bot_api, chat_id))
        )
    )
    assert catalogue.interface("telegram_deleted", "sv") in texts(bot_api, chat_id)
    assert not [e for e in tracker_events(servers, chat_id) if e["event"] == "user"]
    bot_api.push(text_update(chat_id, "/thanks", "sv"))  # a fresh start: told again who answers
    wait_text(bot_api, chat_id, catalogue.interface("thanks", "sv"))
    assert texts(bot_api, chat_id).count(disclosure(catalogue, "sv")) == 2


def test_personal_numbers_and_phone_numbers_never_reach_the_tracker_store(bot, bot_api, catalogue, servers):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "mitt personnummer 19900101-1234 är fel", "sv"))
    wait_text(bot_api, chat_id, catalogue.answer("personal_number", "sv").text)  # the meaning still reached Rasa
    bot_api.push(text_update(chat_id, "du kan nå mig på 070-123 45 67", "sv"))
    bot_api.wait_for(lambda: len([e for e in tracker_events(servers, chat_id) if e["event"] == "user"]) == 2)
    stored = str(tracker_events(servers, chat_id))
    assert "19900101" not in stored and "123 45 67" not in stored
    assert "[personnummer]" in stored and "[telefon]" in stored


def test_a_newcomer_greets_in_tigrinya_asks_about_school_and_finds_the_nearest_meeting_place(
    bot, bot_api, catalogue, servers, training_examples
):
    places = yaml.safe_load((ROOT / "data" / "meeting_places.yml").read_text(encoding="utf-8"))["meeting_places"]
    place = places[0]
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "ሰላም፡ ከመይ ኣለኹም"))  # "ሰላም" alone is Amharic too
    bot_api.wait_for(lambda: catalogue.interface("greet", "ti") in "\n".join(texts(bot_api, chat_id)))
    bot_api.push(text_update(chat_id, longest_example(training_examples, "school", "ti")))
    wait_text(bot_api, chat_id, catalogue.answer("school", "ti").text)
    bot_api.push(location_update(chat_id, place["location"]["lat"], place["location"]["lon"]))
    venue = bot_api.wait_for(lambda: bot_api.calls_of("sendVenue", chat_id))[0]
    assert venue.params["title"] == place["name"]
    assert float(venue.params["latitude"]) == pytest.approx(place["location"]["lat"])
    if place["location"]["precision"] != "exact":
        assert "(" in venue.params["address"] and venue.params["address"] != place.get("address")
        assert venue.params["address"].endswith(catalogue.interface("telegram_venue_area", "ti").split("}")[-1])


def test_asking_for_the_nearest_meeting_place_offers_a_share_location_button(bot, bot_api, servers):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "Where is the nearest meeting place?", "en"))
    call = bot_api.wait_for(
        lambda: [c for c in bot_api.calls_of("sendMessage", chat_id) if "keyboard" in (c.json("reply_markup") or {})]
    )[0]
    [[button]] = call.json("reply_markup")["keyboard"]
    assert button["request_location"] is True


def test_the_token_never_appears_in_the_logs(bot, bot_api, log_capture):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/help", "en"))
    bot_api.wait_for(lambda: bot_api.calls_of("sendMessage", chat_id))
    logged = log_capture.getvalue()
    assert "telegram" in logged  # PTB's loggers were captured, at DEBUG
    assert REDACTED in logged  # something tried to log the token ...
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged  # ... and it was removed


def test_webhook_mode_registers_the_webhook_and_answers_posted_updates(servers, catalogue):
    bot_api = FakeBotApi(TOKEN).start()
    port = free_port()
    settings = TelegramSettings(
        token=TOKEN,
        rasa_url=servers.rasa_url,
        rasa_token=servers.token,
        api_url=bot_api.base_url,
        webhook_url="https://bot.example.org/telegram/hook",
        webhook_port=port,
    )
    runner = BotRunner(settings, catalogue).start()
    try:
        [registration] = bot_api.calls_of("setWebhook")
        assert registration.params["url"] == settings.webhook_url
        secret = registration.params["secret_token"]
        chat_id = new_user_id()
        update = dict(text_update(chat_id, "/help", "en"), update_id=1)
        url = f"http://127.0.0.1:{port}/telegram/hook"
        refused = httpx.post(url, json=update, timeout=10)
        assert refused.status_code == 403  # no secret header: not from Telegram
        accepted = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}, timeout=10)
        assert accepted.status_code == 200
        wait_text(bot_api, chat_id, catalogue.interface("telegram_help", "en"))
        assert not bot_api.calls_of("getUpdates")
    finally:
        runner.stop()
        bot_api.stop()
