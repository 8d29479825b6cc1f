"""Wiring: ``build_application(settings)`` and the entry point ``python -m valkommen.channels.telegram.app``."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
from typing import Any, Dict, Optional
from urllib.parse import urlparse

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from valkommen.channels.telegram import handlers, inline
from valkommen.channels.telegram.rasa_client import RasaClient
from valkommen.channels.telegram.redact import install_redaction
from valkommen.channels.telegram.services import SERVICES_KEY, Services
from valkommen.channels.telegram.settings import SettingsError, TelegramSettings
from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.masking import install_log_masking

LOGGER = logging.getLogger(__name__)
REDELIVERY_TASK = "redelivery"
#: How often PTB's rate limiter sends one request again after Telegram's flood control (429) asked
#: to wait retry_after seconds; after that the message is given up (delivery.py).
FLOOD_RETRIES = 3
#: Inline keyboards whose buttons' payloads PTB keeps (least recently used dropped first); a press
#: on a dropped one, or on one from before a restart, gets the "button expired" reply.
CALLBACK_KEYBOARDS = 10_000


async def _redeliver_forever(application: Application) -> None:
    """Every ``retry_interval`` seconds, delivers the messages kept while Rasa was unavailable."""
    svc: Services = application.bot_data[SERVICES_KEY]
    while True:
        await asyncio.sleep(svc.settings.retry_interval)
        if len(svc.pending):
            try:
                await handlers.flush_pending(application.bot, svc)
            except Exception as error:  # keep the loop alive whatever happens
                LOGGER.error("redelivery failed: %s", type(error).__name__)


async def _post_init(application: Application) -> None:
    application.bot_data[REDELIVERY_TASK] = asyncio.create_task(_redeliver_forever(application))


async def _post_shutdown(application: Application) -> None:
    task = application.bot_data.pop(REDELIVERY_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    svc: Services = application.bot_data[SERVICES_KEY]
    if len(svc.pending):  # kept in memory only: say so rather than lose them silently
        LOGGER.warning("stopping with %d kept message(s) not yet delivered to Rasa", len(svc.pending))
    await svc.rasa.close()


def build_application(
    settings: TelegramSettings, catalogue: Optional[Catalogue] = None, rasa: Optional[RasaClient] = None
) -> Application:
    """The whole Telegram bot: one Application with one handler per concern."""
    install_redaction([settings.token, settings.rasa_token or ""])
    install_log_masking()  # personal numbers, phones, e-mails masked in any log line
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .concurrent_updates(True)  # users don't wait for each other; each chat keeps its order (Services.lock)
        # Telegram's sending limits and flood control (429 retry_after): PTB's own limiter.
        .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
        # A button carries its Rasa payload, however long; Telegram gets a 64-character key.
        .arbitrary_callback_data(CALLBACK_KEYBOARDS)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        rasa=rasa or RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout, settings.rasa_attempts),
        catalogue=catalogue or default_catalogue(),
    )
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("language", handlers.language))
    application.add_handler(CommandHandler("topics", handlers.topics))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("privacy", handlers.privacy))
    application.add_handler(CommandHandler("delete", handlers.delete))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, handlers.on_edited))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, handlers.on_location))
    # Text, including commands of no handler of their own ("/thanks"): Rasa reads "/intent" itself.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, handlers.on_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.on_unsupported))
    application.add_error_handler(handlers.on_error)
    return application


def webhook_secret(settings: TelegramSettings) -> str:
    """A stable secret Telegram sends with every webhook call, derived from the token."""
    return hashlib.sha256(f"webhook:{settings.token}".encode()).hexdigest()[:48]


def webhook_options(settings: TelegramSettings) -> Dict[str, Any]:
    """Where PTB's webhook server listens and what it tells Telegram (``run_webhook``/``start_webhook``).

    Telegram posts to TELEGRAM_WEBHOOK_URL (a TLS proxy in front forwards to listen:port/<path>);
    the path is the URL's own path, and calls without the secret header are refused.
    """
    path = urlparse(settings.webhook_url or "").path.strip("/") or "telegram"
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": path,
        "webhook_url": settings.webhook_url,
        "secret_token": webhook_secret(settings),
    }


def main() -> int:
    """Runs the bot: webhook mode when TELEGRAM_WEBHOOK_URL is set, long polling otherwise."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    try:
        settings = TelegramSettings.from_env()
    except SettingsError as error:  # names the variable: "error: TELEGRAM_BOT_TOKEN: ..."
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    application = build_application(settings)
    LOGGER.info(
        "Telegram bot starting (%s mode, Rasa at %s)", "webhook" if settings.webhook_url else "polling", settings.rasa_url
    )
    if settings.webhook_url:
        application.run_webhook(**webhook_options(settings), allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
