"""Driving the widget in a page like a user: open it, type, press buttons, read the messages."""

from __future__ import annotations

from typing import List

from playwright.sync_api import Page

REPLY_TIMEOUT_MS = 60_000


def open_widget(page: Page, url: str) -> None:
    """Loads a demo page and opens the widget with its launcher button."""
    page.goto(url)
    page.locator(".vk-launcher").click()
    page.locator("#vk-input").wait_for(state="visible")


def bot_count(page: Page) -> int:
    return page.locator(".vk-msg.vk-bot").count()


def wait_for_reply(page: Page, before: int) -> None:
    """Waits until a new bot message is shown and the typing indicator is gone."""
    page.wait_for_function(
        "n => document.querySelectorAll('.vk-msg.vk-bot').length > n && document.querySelector('.vk-typing').hidden",
        arg=before,
        timeout=REPLY_TIMEOUT_MS,
    )


def ask(page: Page, text: str) -> None:
    """Types ``text``, presses Enter and waits for the answer."""
    before = bot_count(page)
    page.locator("#vk-input").fill(text)
    page.locator("#vk-input").press("Enter")
    wait_for_reply(page, before)


def bot_texts(page: Page) -> List[str]:
    """The text of every bot bubble, without the screen-reader prefix and the copy button."""
    return page.locator(".vk-msg.vk-bot .vk-text").all_text_contents()


def user_texts(page: Page) -> List[str]:
    return page.locator(".vk-msg.vk-user .vk-text").all_text_contents()
