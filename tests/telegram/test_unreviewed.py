"""Machine-translated answers on Telegram: said once per conversation, the Swedish text one tap away."""

from __future__ import annotations

import html
from typing import List

from tests.telegram.harness import button_update, new_user_id, text_update


def texts(bot_api, chat_id: int) -> List[str]:
    return [html.unescape(call.params.get("text", "")) for call in bot_api.calls_of("sendMessage", chat_id)]


def swedish_buttons(bot_api, chat_id: int, title: str) -> List[str]:
    return [
        button["callback_data"]
        for call in bot_api.calls_of("sendMessage", chat_id)
        for row in (call.json("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
        if button.get("text") == title
    ]


def test_a_machine_translated_answer_says_so_once_and_shows_the_swedish_text_on_request(bot, bot_api, catalogue):
    school, home = catalogue.answer("school", "ar"), catalogue.answer("home_language", "ar")
    assert not school.reviewed and not home.reviewed  # else this test proves nothing: pick other answers
    note, title = catalogue.interface("web_unreviewed", "ar"), catalogue.interface("web_show_swedish", "ar")
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/start school_ar", "ar"))
    bot_api.wait_for(lambda: note in texts(bot_api, chat_id))
    assert school.text in texts(bot_api, chat_id)
    bot_api.push(text_update(chat_id, "/home_language", "ar"))
    bot_api.wait_for(lambda: home.text in texts(bot_api, chat_id))
    assert texts(bot_api, chat_id).count(note) == 1
    buttons = bot_api.wait_for(lambda: swedish_buttons(bot_api, chat_id, title))
    assert len(buttons) == 2  # one under each answer
    bot_api.push(button_update(chat_id, buttons[0], "ar"))
    bot_api.wait_for(lambda: catalogue.answer("school", "sv").text in texts(bot_api, chat_id))


def test_a_reviewed_swedish_answer_gets_no_translation_line(bot, bot_api, catalogue):
    chat_id = new_user_id()
    bot_api.push(text_update(chat_id, "/start school_sv", "sv"))
    bot_api.wait_for(lambda: catalogue.answer("school", "sv").text in texts(bot_api, chat_id))
    bot_api.push(text_update(chat_id, "/topics", "sv"))  # its reply comes after anything the answer brought
    bot_api.wait_for(lambda: catalogue.interface("help", "sv") in texts(bot_api, chat_id))
    assert catalogue.interface("web_unreviewed", "sv") not in texts(bot_api, chat_id)
    assert not swedish_buttons(bot_api, chat_id, catalogue.interface("web_show_swedish", "sv"))
