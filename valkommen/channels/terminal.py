"""Terminal chat with the running assistant over Rasa's REST channel (``make chat``)."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from typing import Any, Dict, List, Optional

import httpx

from valkommen.core.languages import normalise_language
from valkommen.core.locales import default_catalogue
from valkommen.core.reply_language import language_of
from valkommen.core.settings import exit_on_error


def send(client: httpx.Client, url: str, sender: str, text: str, language: Optional[str]) -> List[Dict[str, Any]]:
    """Sends one message to the REST channel and returns Rasa's replies."""
    payload = {"sender": sender, "message": text, "metadata": {"channel": "cli", "language": language}}
    response = client.post(f"{url}/webhooks/rest/webhook", json=payload)
    response.raise_for_status()
    return response.json()


def show(replies: List[Dict[str, Any]]) -> List[str]:
    """Prints replies (the language message ending them shows nothing); returns the payloads of
    the buttons, numbered from 1."""
    payloads: List[str] = []
    for reply in replies:
        if reply.get("text"):
            print(f"\n{reply['text']}")
        for button in reply.get("buttons") or []:
            payloads.append(button["payload"])
            print(f"  [{len(payloads)}] {button['title']}")
    return payloads


def disclosure(language: Optional[str]) -> str:
    """The first-contact disclosure and where the privacy notice is, in ``language``."""
    from valkommen.core.privacy_notice import notice

    privacy = notice(language)
    return f"{default_catalogue().interface('disclosure', language)}\n{privacy.title}: {privacy.url}"


def main() -> int:
    """Reads lines from the terminal; a number presses the button with that number."""
    config = exit_on_error()  # a bad setting: "error: NAME: ..." and status 2
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=config.rasa_url, help="the Rasa server (default: RASA_URL)")
    args = parser.parse_args()
    language = normalise_language(os.environ.get("LANG"))  # the terminal's own locale, not a project setting
    sender = f"cli-{uuid.uuid4().hex}"
    payloads: List[str] = []
    replied = language  # the terminal's own line in the language the latest reply said it is in
    disclosed = False  # a new sender every run: the first answer comes after the disclosure
    with httpx.Client(timeout=30.0) as client:
        while True:
            try:
                line = input("\n> ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if line.isdigit() and 0 < int(line) <= len(payloads):
                line = payloads[int(line) - 1]
            try:
                replies = send(client, args.url, sender, line, language)
                said = language_of(replies)
                replied = said.code if said else replied
                if not disclosed:
                    print(f"\n{disclosure(replied)}")
                    disclosed = True
                payloads = show(replies)
            except httpx.HTTPError:
                print(default_catalogue().interface("unavailable", replied), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
