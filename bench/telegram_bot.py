"""Telegram bot figures on real servers: ``python -m bench.telegram_bot``.

Starts the Rasa + action servers (tools.servers, temporary SQLite tracker) unless --rasa-url
names running ones, the fake Bot API of the tests and the real bot long-polling it. Prints the
latency from an update being offered by getUpdates to the bot's sendMessage (p50/p95 over
--updates text messages, one user at a time and then --users users at once) and the time to
answer inline queries (first time: /model/parse; again: the bot's cache).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Iterator, List, Optional

from bench.percentiles import percentile
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.harness import BotRunner, inline_update, new_user_id, text_update
from tools.servers import ROOT, running_servers
from valkommen.channels.telegram.settings import TelegramSettings
from valkommen.core.examples import read_examples
from valkommen.core.locales import load_catalogue

TOKEN = "123456789:BENCH-token-ABCdefGHIjklMNOpqrSTUvwxYZ0"


def line(label: str, seconds: List[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:44} n={len(ms):4}  p50 {percentile(ms, 50):7.0f} ms  p95 {percentile(ms, 95):7.0f} ms  "
        f"max {max(ms):7.0f} ms  mean {statistics.mean(ms):7.0f} ms"
    )


@contextlib.contextmanager
def rasa(url: Optional[str]) -> Iterator[str]:
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory() as tmp, running_servers(Path(tmp)) as servers:
        yield servers.rasa_url


def first_reply(api: FakeBotApi, chat_id: int, pushed: float) -> float:
    """Seconds from ``pushed`` to the bot's first sendMessage to ``chat_id``."""
    return api.wait_for(lambda: api.calls_of("sendMessage", chat_id), timeout=300)[0].at - pushed


def kept_replies(api: FakeBotApi, kept_text: str) -> int:
    """How many replies said "unavailable, your message is kept" (Rasa slower than the bot's timeout)."""
    return sum(html.unescape(call.params.get("text", "")) == kept_text for call in api.calls_of("sendMessage"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--inline", type=int, default=20)
    parser.add_argument("--rasa-url", help="a running Rasa server (default: start one)")
    args = parser.parse_args()
    rng = random.Random(7)
    questions = [e.text for e in read_examples(ROOT / "nlu_data" / "nlu") if len(e.text) > 12]
    rng.shuffle(questions)
    api = FakeBotApi(TOKEN).start()
    with rasa(args.rasa_url) as rasa_url:
        settings = TelegramSettings(token=TOKEN, rasa_url=rasa_url, api_url=api.base_url, rate_limit_messages=10**6)
        catalogue = load_catalogue(ROOT / "locales")
        runner = BotRunner(settings, catalogue).start()
        try:
            warm = new_user_id()  # first requests open connections and load lazily
            api.push(text_update(warm, "Hej"))
            first_reply(api, warm, time.monotonic())
            sequential = []
            for index in range(args.updates):  # a new user per message: one reply to wait for
                chat = new_user_id()
                pushed = time.monotonic()
                api.push(text_update(chat, questions[index % len(questions)]))
                sequential.append(first_reply(api, chat, pushed))
            concurrent = []
            for round_ in range(max(1, args.updates // args.users)):  # users at once
                chats = {new_user_id(): questions[(round_ * args.users + i) % len(questions)] for i in range(args.users)}
                pushed = time.monotonic()
                for chat, question in chats.items():
                    api.push(text_update(chat, question))
                concurrent.extend(first_reply(api, chat, pushed) for chat in chats)
            inline_cold, inline_cached = [], []
            for question in questions[: args.inline]:
                for bucket in (inline_cold, inline_cached):
                    before = len(api.calls_of("answerInlineQuery"))
                    started = time.monotonic()
                    api.push(inline_update(new_user_id(), question))
                    calls = api.wait_for(
                        lambda b=before: len(api.calls_of("answerInlineQuery")) > b and api.calls_of("answerInlineQuery")
                    )
                    bucket.append(calls[before].at - started)
            kept = kept_replies(api, catalogue.interface("telegram_kept", "sv"))
        finally:
            runner.stop()
            api.stop()
    print("Telegram bot, fake Bot API on loopback, real Rasa + action servers (2-core machine)")
    print(line("update -> sendMessage, one user at a time", sequential))
    print(line(f"update -> sendMessage, {args.users} users at once", concurrent))
    print(line("inline query -> answerInlineQuery, first time", inline_cold))
    print(line("inline query -> answerInlineQuery, cached", inline_cached))
    print(f"replies that were 'unavailable, message kept' (Rasa slower than {settings.rasa_timeout:.0f} s): {kept}")


if __name__ == "__main__":
    main()
