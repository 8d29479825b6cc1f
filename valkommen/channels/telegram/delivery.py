"""Sending rendered messages to Telegram: flood control (429) and blocked users (403) handled."""

from __future__ import annotations

import asyncio
import logging
from typing import Sequence

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError

from valkommen.channels.telegram.rendering import Outgoing, VenueOut

LOGGER = logging.getLogger(__name__)

#: How often one message is retried after Telegram's flood control (429) asked to wait.
FLOOD_RETRIES = 3
#: Longest wait accepted from flood control before giving up on one message.
MAX_FLOOD_WAIT = 30.0


async def send_one(bot: Bot, chat_id: int, item: Outgoing) -> None:
    """Sends one message, waiting out Telegram's flood control a few times."""
    for attempt in range(FLOOD_RETRIES + 1):
        try:
            if isinstance(item, VenueOut):
                await bot.send_venue(
                    chat_id, latitude=item.latitude, longitude=item.longitude, title=item.title,
                    address=item.address, reply_markup=item.reply_markup,
                )
            else:
                await bot.send_message(
                    chat_id, item.html, parse_mode=ParseMode.HTML, reply_markup=item.reply_markup,
                    disable_web_page_preview=True,
                )
            return
        except RetryAfter as error:
            wait = error.retry_after.total_seconds() if hasattr(error.retry_after, "total_seconds") else float(error.retry_after)
            if attempt == FLOOD_RETRIES or wait > MAX_FLOOD_WAIT:
                raise
            LOGGER.warning("Telegram flood control: waiting %.1f s", wait)
            await asyncio.sleep(wait)


async def deliver(bot: Bot, chat_id: int, items: Sequence[Outgoing]) -> bool:
    """Sends ``items`` in order; False if the user blocked the bot or Telegram refused."""
    for item in items:
        try:
            await send_one(bot, chat_id, item)
        except Forbidden:
            LOGGER.info("a user blocked the bot; replies dropped")
            return False
        except TelegramError as error:
            LOGGER.warning("Telegram refused a message: %s", type(error).__name__)
            return False
    return True

