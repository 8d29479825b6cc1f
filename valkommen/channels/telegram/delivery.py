"""Sending rendered messages to Telegram; blocked users (403) handled.

Telegram's flood control (429 with retry_after) is waited out by PTB's ``AIORateLimiter``
(app.py), which also keeps the bot within Telegram's sending limits; a message still refused
after its retries is given up like any other refused message.
"""

from __future__ import annotations

import logging
from typing import Sequence

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from valkommen.channels.telegram.rendering import Outgoing, VenueOut

LOGGER = logging.getLogger(__name__)


async def send_one(bot: Bot, chat_id: int, item: Outgoing) -> None:
    """Sends one message or venue."""
    if isinstance(item, VenueOut):
        await bot.send_venue(
            chat_id,
            latitude=item.latitude,
            longitude=item.longitude,
            title=item.title,
            address=item.address,
            reply_markup=item.reply_markup,
        )
    else:
        await bot.send_message(
            chat_id,
            item.html,
            parse_mode=ParseMode.HTML,
            reply_markup=item.reply_markup,
            disable_web_page_preview=True,
        )


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
