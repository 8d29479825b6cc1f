"""Rendering Rasa's replies for Telegram, without servers."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from valkommen.channels.telegram.rendering import (
    CALLBACK_DATA_LIMIT,
    MESSAGE_LIMIT,
    TextOut,
    VenueOut,
    remove_location_keyboard,
    render,
    split_text,
)

VENUE = {
    "id": "norrby",
    "name": "Norrbyhuset",
    "district": "Norrby",
    "address": None,
    "lat": 57.73,
    "lon": 12.937,
    "precision": "approximate",
    "url": "https://www.boras.se/",
    "map_url": "https://www.openstreetmap.org/",
}


def test_text_is_html_escaped_never_passed_as_markup(catalogue):
    [out] = render([{"text": "<b>Hi</b> & <a href='x'>"}], catalogue, "en")
    assert out.html == "&lt;b&gt;Hi&lt;/b&gt; &amp; &lt;a href=&#x27;x&#x27;&gt;"


def test_a_long_answer_is_split_at_lines_within_telegrams_limit():
    text = "\n".join(f"line {i} " + "å<" * 40 for i in range(300))
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(len(html.escape(piece)) <= MESSAGE_LIMIT for piece in pieces)
    assert "\n".join(pieces) == text


def test_a_single_line_longer_than_the_limit_is_cut_without_losing_text():
    text = "ord " * 3000
    pieces = split_text(text)
    assert all(len(html.escape(piece)) <= MESSAGE_LIMIT for piece in pieces)
    assert " ".join(pieces).split() == text.split()


def test_buttons_become_an_inline_keyboard_on_the_last_piece(catalogue):
    replies = [{"text": "x\n" * 3000, "buttons": [{"title": "School", "payload": "/school"}]}]
    out = render(replies, catalogue, "en")
    assert [o.reply_markup is not None for o in out] == [False] * (len(out) - 1) + [True]
    assert isinstance(out[-1].reply_markup, InlineKeyboardMarkup)
    assert out[-1].reply_markup.inline_keyboard[0][0].callback_data == "/school"


def test_a_button_carries_its_payload_however_long_and_ptb_sends_a_short_key(catalogue):
    from telegram import CallbackQuery, User
    from telegram.ext import CallbackDataCache, ExtBot, InvalidCallbackData

    payload = '/change_language{"language":"sv-easy"}' + " " * 80
    [out] = render([{"text": "x", "buttons": [{"title": "Lätt svenska", "payload": payload}]}], catalogue, "sv")
    assert out.reply_markup.inline_keyboard[0][0].callback_data == payload
    cache = CallbackDataCache(ExtBot("1:abc", arbitrary_callback_data=True), maxsize=10)  # as app.py sets it up
    data = cache.process_keyboard(out.reply_markup).inline_keyboard[0][0].callback_data  # what Telegram gets
    assert len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
    user = User(1, "Test", False)
    pressed, unknown = CallbackQuery("1", user, "ci", data=data), CallbackQuery("2", user, "ci", data="0" * 64)
    cache.process_callback_query(pressed)
    cache.process_callback_query(unknown)
    assert pressed.data == payload and isinstance(unknown.data, InvalidCallbackData)


def test_an_approximate_venue_shows_its_area_never_an_address(catalogue):
    out = render([{"text": "Norrbyhuset"}, {"custom": {"venue": VENUE}}], catalogue, "sv")
    venue = out[-1]
    assert isinstance(venue, VenueOut)
    assert venue.title == "Norrbyhuset" and (venue.latitude, venue.longitude) == (57.73, 12.937)
    assert venue.address == catalogue.interface("telegram_venue_area", "sv").format(district="Norrby")
    assert venue.reply_markup.inline_keyboard[0][0].url == "https://www.boras.se/"


def test_an_exact_venue_with_a_verified_address_shows_it(catalogue):
    exact = dict(VENUE, precision="exact", address="Exempelgatan 1")
    [venue] = render([{"custom": {"venue": exact}}], catalogue, "sv")
    assert venue.address == "Exempelgatan 1"


def test_request_location_becomes_a_reply_keyboard_button_that_shares_the_location(catalogue):
    ask = {"request_location": {"text": "Where do you live?", "button": "📍 Share my location"}}
    [prompt] = render([{"custom": ask}], catalogue, "en")
    assert isinstance(prompt, TextOut) and prompt.html == "Where do you live?"
    assert isinstance(prompt.reply_markup, ReplyKeyboardMarkup)
    button = prompt.reply_markup.keyboard[0][0]
    assert button.text == "📍 Share my location" and button.request_location is True


def test_buttons_without_text_get_a_short_prompt(catalogue):
    [out] = render([{"buttons": [{"title": "Norrby", "payload": "/district"}]}], catalogue, "ar")
    assert out.html == html.escape(catalogue.interface("telegram_choose", "ar"))


def test_a_location_prompt_that_repeats_the_text_before_it_shows_only_the_button_label(catalogue):
    prompt = "Where do you live?"
    replies = [
        {"text": prompt, "buttons": [{"title": "Norrby", "payload": "/district"}]},
        {"custom": {"request_location": {"text": prompt, "button": "📍 Share my location"}}},
    ]
    first, second = render(replies, catalogue, "en")
    assert first.html == prompt and isinstance(first.reply_markup, InlineKeyboardMarkup)
    assert second.html == "📍 Share my location" and isinstance(second.reply_markup, ReplyKeyboardMarkup)


def test_the_location_keyboard_is_removed_by_the_next_plain_text():
    items = [TextOut("a", InlineKeyboardMarkup([])), TextOut("b")]
    assert remove_location_keyboard(items)
    assert isinstance(items[1].reply_markup, ReplyKeyboardRemove)
    assert not remove_location_keyboard([TextOut("c", InlineKeyboardMarkup([]))])
