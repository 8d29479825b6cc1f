"""Running the real Application against the fake Bot API, and building Telegram updates."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from typing import Any, Dict, Optional

from telegram import Update
from telegram.ext import Application

from valkommen.channels.telegram.app import build_application, webhook_options
from valkommen.channels.telegram.services import SERVICES_KEY, Services
from valkommen.channels.telegram.settings import TelegramSettings
from valkommen.core.locales import Catalogue

_ids = itertools.count(1)


class BotRunner:
    """The Application in a thread of its own, as ``run_polling``/``run_webhook`` would run it."""

    def __init__(self, settings: TelegramSettings, catalogue: Optional[Catalogue] = None) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.application: Optional[Application] = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    def _run(self, coroutine: Any, timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start(self) -> None:
        self.application = build_application(self.settings, self.catalogue)
        await self.application.initialize()
        await self.application.post_init(self.application)
        if self.settings.webhook_url:
            await self.application.updater.start_webhook(**webhook_options(self.settings), allowed_updates=Update.ALL_TYPES)
        else:
            await self.application.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
        await self.application.start()

    async def _stop(self) -> None:
        app = self.application
        await app.updater.stop()
        await app.stop()
        await app.post_shutdown(app)
        await app.shutdown()

    def start(self) -> "BotRunner":
        self._thread.start()
        self._run(self._start())
        return self

    def stop(self) -> None:
        try:
            self._run(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)


def new_user_id() -> int:
    """A fresh Telegram user id (private chat id = user id)."""
    return 700_000_000 + next(_ids) * 7 + int(time.time()) % 7


def telegram_user(user_id: int, language: Optional[str] = None) -> Dict[str, Any]:
    user: Dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
    if language:
        user["language_code"] = language
    return user


def message(user_id: int, language: Optional[str] = None, **content: Any) -> Dict[str, Any]:
    """A private-chat message with ``content`` (text=..., location=..., sticker=...)."""
    return {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private"},
        "from": telegram_user(user_id, language),
        **content,
    }


def text_update(user_id: int, text: str, language: Optional[str] = None) -> Dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity as Telegram sends it."""
    content: Dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message(user_id, language, **content)}


def location_update(user_id: int, lat: float, lon: float, language: Optional[str] = None) -> Dict[str, Any]:
    return {"message": message(user_id, language, location={"latitude": lat, "longitude": lon})}


def sticker_update(user_id: int, language: Optional[str] = None) -> Dict[str, Any]:
    sticker = {
        "file_id": "CAAC-sticker",
        "file_unique_id": "uniq",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return {"message": message(user_id, language, sticker=sticker)}


def edited_update(user_id: int, text: str, language: Optional[str] = None) -> Dict[str, Any]:
    edited = message(user_id, language, text=text)
    edited["edit_date"] = int(time.time())
    return {"edited_message": edited}


def button_update(user_id: int, data: str, language: Optional[str] = None, message_id: int = 1) -> Dict[str, Any]:
    bot_message = {"message_id": message_id, "date": int(time.time()), "chat": {"id": user_id, "type": "private"}, "text": "…"}
    return {
        "callback_query": {
            "id": str(next(_ids)),
            "from": telegram_user(user_id, language),
            "chat_instance": "ci",
            "data": data,
            "message": bot_message,
        }
    }


def inline_update(user_id: int, query: str, language: Optional[str] = None) -> Dict[str, Any]:
    return {"inline_query": {"id": str(next(_ids)), "from": telegram_user(user_id, language), "query": query, "offset": ""}}
