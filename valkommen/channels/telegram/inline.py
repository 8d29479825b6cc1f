"""Inline mode: ``@bot <question>`` offers the best-matching answers to insert into any chat."""

from __future__ import annotations

import html
import logging
import re
from typing import List, Optional, Tuple

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from valkommen.channels.telegram.rasa_client import RasaUnavailable
from valkommen.channels.telegram.rendering import split_text
from valkommen.channels.telegram.services import Services, services
from valkommen.core.languages import SOURCE_LANGUAGE, normalise_language

LOGGER = logging.getLogger(__name__)
#: "ar: school" -> answers in Arabic to "school".
LANGUAGE_PREFIX = re.compile(r"^\s*([A-Za-z]{2,3}(?:-easy)?)\s*:\s*(.*)$", re.S)
MAX_RESULTS = 3
DESCRIPTION_LENGTH = 120


def split_prefix(query: str) -> Tuple[Optional[str], str]:
    """(language, question): a leading ``<code>:`` picks the language of the answers."""
    match = LANGUAGE_PREFIX.match(query)
    if match:
        language = normalise_language(match.group(1))
        if language:
            return language, match.group(2).strip()
    return None, query.strip()


async def best_topics(svc: Services, question: str, language: Optional[str], hint: Optional[str]) -> Tuple[List[str], str]:
    """The top topics for ``question`` and the language to answer in (cached per question and language)."""
    key = (question.casefold(), language or "")
    cached = svc.inline_cache.get(key)
    if cached is not None:
        return cached
    parsed = await svc.rasa.parse(question)
    ranking = parsed.get("intent_ranking") or [parsed.get("intent") or {}]
    topics = [entry["name"] for entry in ranking if entry.get("name") in svc.catalogue.topics][:MAX_RESULTS]
    if language is None:
        detected = normalise_language(str((parsed.get("language") or {}).get("code") or ""))
        language = detected if detected in svc.catalogue.locales else normalise_language(hint) or SOURCE_LANGUAGE
    result = (topics, language)
    svc.inline_cache[key] = result
    return result


def article(svc: Services, topic: str, language: str) -> InlineQueryResultArticle:
    """One answer as an article whose message is the self-contained answer text."""
    answer = svc.catalogue.answer(topic, language)
    text = html.escape(split_text(answer.text)[0])  # answers fit; never cut an escape
    first_line = answer.text.split("\n", 1)[0]
    return InlineQueryResultArticle(
        id=f"{topic}:{language}",
        title=svc.catalogue.topic_title(topic, language),
        description=first_line[:DESCRIPTION_LENGTH],
        input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML, link_preview_options=None),
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers an inline query with up to three topic answers in the question's language."""
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    language, question = split_prefix(query.query or "")
    results: List[InlineQueryResultArticle] = []
    if question:
        try:
            topics, answer_language = await best_topics(svc, question, language, query.from_user.language_code)
            results = [article(svc, topic, answer_language) for topic in topics]
        except RasaUnavailable as error:
            LOGGER.warning("inline query not answered: %s", error)
    try:
        await query.answer(results, cache_time=300 if results else 5, is_personal=False)
    except TelegramError as error:
        LOGGER.warning("inline answer refused: %s", type(error).__name__)
