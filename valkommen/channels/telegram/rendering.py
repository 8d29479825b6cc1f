"""Rasa replies -> Telegram messages: escaped text split to fit, inline keyboards, venues.

Pure functions: nothing here talks to Telegram or Rasa. Every text from users or Rasa is
HTML-escaped before it is sent with ``parse_mode=HTML``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Union

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from valkommen.core.locales import Catalogue

ReplyMarkup = Union[InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove]

#: Telegram's limits: characters of one text message, bytes of one button's callback_data. A button
#: carries its Rasa payload as PTB's arbitrary callback data (app.py): PTB keeps the payload in its
#: callback data cache and sends Telegram a key of 64 characters, so a payload may be of any length.
MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True)
class TextOut:
    """One text message (already HTML-escaped) with an optional keyboard."""

    html: str
    reply_markup: Optional[ReplyMarkup] = None


@dataclass(frozen=True)
class VenueOut:
    """A place pin: ``address`` is the verified address or the approximate-area wording."""

    latitude: float
    longitude: float
    title: str
    address: str
    reply_markup: Optional[ReplyMarkup] = None


Outgoing = Union[TextOut, VenueOut]


@dataclass(frozen=True)
class ShowSwedish:
    """The callback data of a "Show in Swedish" button (PTB's arbitrary callback data keeps it in
    memory): the Swedish text of an answer whose translation nobody has reviewed."""

    text: str


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> List[str]:
    """Splits ``text`` into pieces whose HTML-escaped form fits ``limit``.

    Cuts at line breaks where possible, then at spaces, then anywhere.
    """
    pieces: List[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(html.escape(candidate)) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
            current = ""
        while len(html.escape(line)) > limit:
            cut = _cut_point(line, limit)
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def _cut_point(line: str, limit: int) -> int:
    """The longest prefix length of ``line`` whose escaped form fits, preferring a space."""
    end = 0
    size = 0
    last_space = 0
    for index, char in enumerate(line):
        size += len(html.escape(char))
        if size > limit:
            break
        end = index + 1
        if char == " ":
            last_space = end
    return last_space if last_space > limit // 2 else max(end, 1)


def inline_keyboard(buttons: Sequence[Dict[str, Any]]) -> Optional[InlineKeyboardMarkup]:
    """Rasa buttons as an inline keyboard, one per row (titles can be long in some languages).

    Each button's callback data is its payload (PTB's arbitrary callback data replaces it by a key).
    """
    rows = [
        [InlineKeyboardButton(str(button.get("title") or button["payload"]), callback_data=str(button["payload"]))]
        for button in buttons
        if button.get("payload")
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def location_keyboard(label: str) -> ReplyKeyboardMarkup:
    """A reply keyboard with one button that shares the user's location."""
    return ReplyKeyboardMarkup([[KeyboardButton(label, request_location=True)]], resize_keyboard=True, one_time_keyboard=True)


def venue_out(venue: Dict[str, Any], catalogue: Catalogue, language: str) -> Optional[VenueOut]:
    """The venue custom payload as a Telegram venue; approximate places show their area, not an address."""
    try:
        latitude, longitude = float(venue["lat"]), float(venue["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    address = venue.get("address")
    if venue.get("precision") != "exact" or not address:
        address = catalogue.interface("telegram_venue_area", language).format(district=venue.get("district") or "")
    markup = None
    if venue.get("url"):
        title = catalogue.interface("telegram_venue_page", language)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(title, url=str(venue["url"]))]])
    return VenueOut(latitude, longitude, str(venue.get("name") or ""), str(address), markup)


def unreviewed_swedish(custom: Dict[str, Any]) -> Optional[str]:
    """The Swedish answer an ``unreviewed_translation`` custom message carries (actions/answers.py), or None."""
    data = custom.get("unreviewed_translation")
    text = data.get("text") if isinstance(data, dict) else None
    return text if isinstance(text, str) and text.strip() else None


def _add_swedish_button(out: List[Outgoing], swedish: str, catalogue: Catalogue, language: str) -> None:
    """Puts "Show in Swedish" under the latest text (the answer), below its own buttons."""
    for index in range(len(out) - 1, -1, -1):
        item = out[index]
        if isinstance(item, TextOut) and not isinstance(item.reply_markup, (ReplyKeyboardMarkup, ReplyKeyboardRemove)):
            rows = list(item.reply_markup.inline_keyboard) if isinstance(item.reply_markup, InlineKeyboardMarkup) else []
            button = InlineKeyboardButton(catalogue.interface("web_show_swedish", language), callback_data=ShowSwedish(swedish))  # type: ignore[arg-type]
            out[index] = TextOut(item.html, InlineKeyboardMarkup([*rows, [button]]))
            return


def render(
    replies: Sequence[Dict[str, Any]], catalogue: Catalogue, language: str, note_unreviewed: bool = False
) -> List[Outgoing]:
    """Rasa's replies as Telegram messages, in order; buttons go on the last piece of their text.

    ``language``: the replies' own language (their language message), for the bot's own lines.
    An answer whose translation nobody has reviewed gets a "Show in Swedish" button; with
    ``note_unreviewed`` (once per conversation) also the line saying it is machine-translated.
    """
    out: List[Outgoing] = []
    for reply in replies:
        markup: Optional[ReplyMarkup] = inline_keyboard(reply.get("buttons") or [])
        text = reply.get("text")
        raw_custom = reply.get("custom")
        custom: Dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
        if isinstance(text, str) and text.strip():
            pieces = split_text(text)
            out.extend(TextOut(html.escape(piece)) for piece in pieces[:-1])
            out.append(TextOut(html.escape(pieces[-1]), markup))
            markup = None
        if isinstance(custom.get("venue"), dict):
            venue = venue_out(custom["venue"], catalogue, language)
            if venue is not None:
                out.append(venue)
        if isinstance(custom.get("request_location"), dict):
            ask = custom["request_location"]
            prompt = str(ask.get("text") or "")
            label = str(ask.get("button") or "")
            if prompt and label:
                # The prompt usually repeats the text just sent with the district buttons:
                # then the keyboard's own message is just its label.
                shown = label if any(isinstance(o, TextOut) and o.html == html.escape(prompt) for o in out) else prompt
                out.append(TextOut(html.escape(shown), location_keyboard(label)))
        swedish = unreviewed_swedish(custom)
        if swedish is not None:
            _add_swedish_button(out, swedish, catalogue, language)
            if note_unreviewed:
                out.append(TextOut(html.escape(catalogue.interface("web_unreviewed", language))))
                note_unreviewed = False
        if markup is not None:  # buttons without a text of their own
            out.append(TextOut(html.escape(catalogue.interface("telegram_choose", language)), markup))
    return out


def asks_location(items: Sequence[Outgoing]) -> bool:
    """Whether ``items`` put the share-my-location keyboard on the user's screen."""
    return any(isinstance(item.reply_markup, ReplyKeyboardMarkup) for item in items)


def remove_location_keyboard(items: List[Outgoing]) -> bool:
    """Puts "remove the reply keyboard" on the first text without a keyboard; False if there is none."""
    for index, item in enumerate(items):
        if isinstance(item, TextOut) and item.reply_markup is None:
            items[index] = TextOut(item.html, ReplyKeyboardRemove())
            return True
    return False
