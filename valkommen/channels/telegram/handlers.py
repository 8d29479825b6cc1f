"""Handlers: one per concern. Each turns a Telegram update into a Rasa message or a local reply."""

from __future__ import annotations

import html
import json
import logging
import re
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Optional

from telegram import Bot, Update, User
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from valkommen.channels.telegram.delivery import deliver
from valkommen.channels.telegram.limits import KeptMessage
from valkommen.channels.telegram.rasa_client import RasaUnavailable
from valkommen.channels.telegram.rendering import (
    ShowSwedish,
    TextOut,
    asks_location,
    remove_location_keyboard,
    render,
    split_text,
    unreviewed_swedish,
)
from valkommen.channels.telegram.services import Services, services
from valkommen.core.languages import SOURCE_LANGUAGE, normalise_language
from valkommen.core.places import load_directory
from valkommen.core.privacy_notice import notice, render_text
from valkommen.core.pseudonym import pseudonymous_id
from valkommen.core.reply_language import language_of

LOGGER = logging.getLogger(__name__)
PLATFORM = "telegram"
DEEP_LINK = re.compile(r"^([a-z][a-z_]*)_([a-z]{2,3}(?:-easy)?)$")
PLACE_LINK = re.compile(r"^place-([a-z0-9_]{1,40})$")  # a meeting place poster's QR code (tools/posters.py)
LANGUAGE_KEY = "language"  # user_data: the language of the latest reply, as the reply said it
LOCATION_KEYBOARD = "location_keyboard"  # user_data flag: the share-location keyboard is shown
UNREVIEWED_NOTED = "unreviewed_noted"  # user_data flag: the machine-translation line has been shown
#: user_data: whether this user has had the first-contact disclosure (unset: not yet known in this
#: process; the Rasa server's store says whether the user was seen before, see needs_disclosure).
DISCLOSED = "disclosed"


def sender_id(user: User) -> str:
    """The pseudonymous Rasa sender id of a Telegram user."""
    return pseudonymous_id(PLATFORM, user.id)


def user_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the bot's own lines: the language the latest reply said it is in (the
    actions' one decision, a user's explicit choice included), else Telegram's language, else Swedish."""
    replied = context.user_data.get(LANGUAGE_KEY) if context.user_data is not None else None
    user = update.effective_user
    telegram = normalise_language(user.language_code) if user else None
    return replied or telegram or SOURCE_LANGUAGE


def note_reply_language(replies: List[Dict[str, Any]], language: str, user_data: Optional[Dict[str, Any]]) -> str:
    """The language Rasa's replies say they are in (``language`` if none says); noted for the bot's own lines."""
    said = language_of(replies)
    if said is None:
        return language
    if user_data is not None:
        user_data[LANGUAGE_KEY] = said.code
    return said.code


def local_text(svc: Services, key: str, language: str, **values: Any) -> TextOut:
    """An interface string from the locales as an escaped text message."""
    text = svc.catalogue.interface(key, language)
    return TextOut(html.escape(text.format(**values) if values else text))


async def reply_local(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, **values: Any) -> None:
    """Answers with one interface string in the user's language."""
    chat = update.effective_chat
    if chat is None:  # not a chat update (e.g. an inline query): nowhere to answer
        return
    svc = services(context)
    await deliver(context.bot, chat.id, [local_text(svc, key, user_language(update, context), **values)])


def disclosure_text(svc: Services, language: str) -> TextOut:
    """The first-contact disclosure: an automated assistant that can be wrong, how to reach a
    person, and one line on data with /privacy (EU AI Act art. 50; GDPR art. 13 in short)."""
    first = svc.catalogue.interface("disclosure", language)
    data = svc.catalogue.interface("disclosure_data_telegram", language).replace("{days}", str(svc.settings.retention_days))
    return TextOut(html.escape(f"{first}\n{data}"))


async def needs_disclosure(svc: Services, sender: str, user_data: Optional[Dict[str, Any]]) -> bool:
    """Whether this user must get the disclosure before the next answer: a user the Rasa server
    keeps no message of (never seen, seen longer ago than the retention, or after /delete).

    "Seen" is not stored anywhere new: the tracker store already holds the pseudonymous
    conversation, and this process remembers the answer in ``user_data`` (memory only). When
    the server cannot say, the disclosure is shown (better once too often than never).
    """
    known = user_data.get(DISCLOSED) if user_data is not None else None
    if known is None:
        try:
            known = await svc.rasa.stored_messages(sender) > 0
        except RasaUnavailable:
            known = False
        if user_data is not None:
            user_data[DISCLOSED] = known
    return not known


async def converse(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    extra_metadata: Optional[Dict[str, Any]] = None,
    show: bool = True,
) -> None:
    """Sends ``text`` to Rasa for this user and renders the replies (if ``show``).

    A user's first answer comes after the disclosure (``needs_disclosure``), one short message.
    Over the flood limit: one warning, then silence. Rasa unavailable: the message is kept
    and delivered when Rasa is back; the user is told so at once.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:  # e.g. a channel post: no user to converse with
        return
    svc = services(context)
    chat_id = chat.id
    language = user_language(update, context)
    allowed, warn = svc.limiter.allow(user.id)
    if not allowed:
        if warn:
            LOGGER.info("flood limit reached by %s", sender_id(user))
            await deliver(context.bot, chat_id, [local_text(svc, "telegram_slow_down", language)])
        return
    sender = sender_id(user)
    metadata: Dict[str, Any] = {"channel": PLATFORM, "language": user.language_code, **(extra_metadata or {})}
    async with svc.lock(chat_id):
        disclose = show and await needs_disclosure(svc, sender, context.user_data)
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass
        try:
            replies = await svc.rasa.send(sender, text, metadata)
        except RasaUnavailable as error:
            LOGGER.warning("Rasa unavailable (%s); message of %s kept for redelivery", error, sender)
            svc.pending.keep(KeptMessage(chat_id, sender, text, metadata, language))
            await deliver(context.bot, chat_id, [local_text(svc, "telegram_kept", language)])
            return
        # The bot's own lines (venue, prompts, later short replies) in the language the reply says.
        language = note_reply_language(replies, language, context.user_data)
        if disclose:
            await deliver(context.bot, chat_id, [disclosure_text(svc, language)])
            if context.user_data is not None:
                context.user_data[DISCLOSED] = True
        if show:
            await send_replies(context.bot, svc, chat_id, replies, language, context.user_data)


async def send_replies(
    bot: Bot,
    svc: Services,
    chat_id: int,
    replies: List[Dict[str, Any]],
    language: str,
    user_data: Optional[Dict[str, Any]] = None,
) -> None:
    """Renders and sends Rasa's replies (in ``language``, the one they say); an empty answer becomes
    the "unavailable" line.

    The share-location keyboard stays until the next plain answer takes it away.
    """
    noted = user_data is not None and bool(user_data.get(UNREVIEWED_NOTED))
    items = render(replies, svc.catalogue, language, note_unreviewed=not noted)
    if user_data is not None and any(
        unreviewed_swedish(r.get("custom") or {}) for r in replies if isinstance(r.get("custom"), dict)
    ):
        user_data[UNREVIEWED_NOTED] = True
    if not items:
        items = [local_text(svc, "unavailable", language)]
    if user_data is not None:
        if asks_location(items):
            user_data[LOCATION_KEYBOARD] = True
        elif user_data.get(LOCATION_KEYBOARD) and remove_location_keyboard(items):
            user_data.pop(LOCATION_KEYBOARD, None)
    await deliver(bot, chat_id, items)


async def flush_pending(bot: Bot, svc: Services) -> int:
    """Delivers kept messages, oldest first, until Rasa fails again; returns how many went through."""
    delivered = 0
    while (kept := svc.pending.peek()) is not None:
        try:
            replies = await svc.rasa.send(kept.sender, kept.text, kept.metadata)
        except RasaUnavailable:
            break
        svc.pending.pop()
        await send_replies(bot, svc, kept.chat_id, replies, note_reply_language(replies, kept.language, None))
        delivered += 1
    if delivered:
        LOGGER.info("delivered %d kept message(s)", delivered)
    return delivered


def without_bot_mention(text: str) -> str:
    """'/thanks@valkommen_bot' (a command in a group) -> '/thanks'; other text unchanged."""
    if not text.startswith("/"):
        return text
    command, space, rest = text.partition(" ")
    if "@" in command and "{" not in command:
        command = command.split("@", 1)[0]
    return f"{command}{space}{rest}"


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: to Rasa, replies back."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await converse(update, context, without_bot_mention(message.text))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline-keyboard press: its payload (PTB's arbitrary callback data) goes to Rasa as the message."""
    query = update.callback_query
    if query is None:
        return
    payload = query.data
    try:
        await query.answer()
    except TelegramError:
        pass
    if isinstance(payload, ShowSwedish):  # the Swedish text of a machine-translated answer
        if update.effective_chat is not None:
            items = [TextOut(html.escape(piece)) for piece in split_text(payload.text)]
            await deliver(context.bot, update.effective_chat.id, items)
        return
    if not isinstance(payload, str) or not payload:  # InvalidCallbackData: a keyboard from before a restart
        await reply_local(update, context, "telegram_button_expired")
        return
    if payload.startswith("/feedback") and query.message is not None:
        try:  # one vote per answer: the thumbs disappear once pressed
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError:
            pass
    await converse(update, context, payload)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: '/share_location' with metadata.location."""
    message = update.effective_message
    location = message.location if message is not None else None
    if location is None:
        return
    await converse(update, context, "/share_location", {"location": {"lat": location.latitude, "lon": location.longitude}})


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents...: say what the assistant can read."""
    await reply_local(update, context, "telegram_unsupported")


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: ask for a new message instead (live-location updates are ignored)."""
    message = update.effective_message
    if message is None or message.location is not None or update.effective_user is None:
        return
    await reply_local(update, context, "telegram_edited")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the disclosure, then welcome and language choice; a deep link <topic>_<lang> opens
    that topic in that language, a poster's place-<id> also answers about that meeting place."""
    svc = services(context)
    if context.user_data is not None:
        context.user_data[DISCLOSED] = False  # /start always shows the disclosure first
    argument = context.args[0] if context.args else ""
    match = DEEP_LINK.match(argument)
    language = normalise_language(match.group(2)) if match else None
    if match and match.group(1) in svc.catalogue.topics and language in svc.catalogue.locales:
        payload = json.dumps({"language": language}, separators=(",", ":"))
        await converse(update, context, f"/change_language{payload}", show=False)
        await converse(update, context, f"/{match.group(1)}")
        return
    await converse(update, context, "/greet")
    place = PLACE_LINK.match(argument)
    if place and place.group(1) in _place_ids():
        await converse(update, context, "/meeting_place" + json.dumps({"place": place.group(1)}, separators=(",", ":")))
    await converse(update, context, "/change_language")


@lru_cache(maxsize=1)
def _place_ids() -> FrozenSet[str]:
    """The meeting place ids a poster's deep link may name."""
    return frozenset(place.id for place in load_directory().places)


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: the language buttons."""
    await converse(update, context, "/change_language")


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics: the topic menu."""
    await converse(update, context, "/help")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot does and its commands."""
    await reply_local(update, context, "telegram_help")


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: the full privacy notice in the user's language (valkommen/core/privacy_notice.py):
    who is responsible, why, what is stored and how long, who sees it, the rights, /delete."""
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    text = render_text(notice(user_language(update, context), svc.catalogue))
    await deliver(context.bot, chat.id, [TextOut(html.escape(text))])


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete: deletes the user's conversation on the Rasa server."""
    user = update.effective_user
    if user is None:
        return
    svc = services(context)
    try:
        deleted = await svc.rasa.delete_conversation(sender_id(user))
    except RasaUnavailable:
        deleted = False
    if deleted and context.user_data is not None:
        context.user_data.clear()
    await reply_local(update, context, "telegram_deleted" if deleted else "telegram_delete_failed")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs a failed update without its content; the bot keeps running."""
    LOGGER.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
