"""Waits until the Rasa server has a model loaded and the action server answers.

Usage: python -m valkommen.server.wait_ready RASA_URL ACTION_URL [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Callable, Optional

import httpx

from valkommen.core.settings import settings


def rasa_ready(url: str, token: Optional[str] = None) -> bool:
    """Whether the Rasa server at ``url`` is up with a model loaded (``token``: default RASA_TOKEN)."""
    token = token or settings().reveal("rasa_token")
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        response = httpx.get(f"{url}/status", headers=headers, timeout=2.0)
        return response.status_code == 200 and bool(response.json().get("model_file"))
    except (httpx.HTTPError, ValueError):
        return False


def actions_ready(url: str) -> bool:
    """Whether the action server at ``url`` answers its health check."""
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def wait_ready(
    rasa_url: str,
    action_url: str,
    timeout: float,
    alive: Callable[[], bool] = lambda: True,
    token: Optional[str] = None,
) -> bool:
    """Polls both servers until they are ready, ``timeout`` seconds pass or ``alive()`` is false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        if rasa_ready(rasa_url, token) and actions_ready(action_url):
            return True
        time.sleep(0.5)
    return False


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rasa_url")
    parser.add_argument("action_url")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if wait_ready(args.rasa_url, args.action_url, args.timeout):
        return 0
    print(f"error: servers not ready after {args.timeout:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
