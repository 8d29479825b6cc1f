"""Talking to the Rasa server over HTTP: REST channel, /model/parse, the privacy endpoint.

The conversation's language is never asked of the tracker: every reply says it
(valkommen/core/reply_language.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional

import httpx

LOGGER = logging.getLogger(__name__)

#: HTTP statuses worth a retry: the server or a proxy in front of it is (re)starting.
RETRY_STATUSES = {502, 503, 504}


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer in time or answered with an error."""


class RasaClient:
    """A small async client of the Rasa server with bounded retries and backoff."""

    def __init__(
        self,
        base_url: str,
        token: Optional[str] = None,
        timeout: float = 4.0,
        attempts: int = 3,
        backoff: float = 0.25,
        client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        """Closes the HTTP connections."""
        await self._client.aclose()

    def _auth(self) -> Dict[str, str]:
        """The API token as a header (never in a URL that a proxy might log)."""
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on connection errors and 502/503/504 with exponential backoff.

        A read timeout is not retried: the message may already be in the conversation.
        """
        url = f"{self.base_url}{path}"
        for attempt in range(self.attempts):
            try:
                response = await self._client.request(method, url, timeout=self.timeout, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as error:
                problem = type(error).__name__
            except httpx.TimeoutException as error:
                raise RasaUnavailable(f"Rasa did not answer {path} in {self.timeout:.0f} s") from error
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"{path}: {type(error).__name__}") from error
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                problem = f"HTTP {response.status_code}"
            LOGGER.warning("Rasa %s attempt %d/%d failed: %s", path, attempt + 1, self.attempts, problem)
            if attempt + 1 < self.attempts:
                await asyncio.sleep(self.backoff * (2**attempt))
        raise RasaUnavailable(f"{path}: {problem}")

    async def send(self, sender: str, text: str, metadata: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Sends one message to the REST channel; returns Rasa's replies."""
        payload = {"sender": sender, "message": text, "metadata": metadata}
        # X-Sender lets a load balancer keep each conversation on one Rasa replica (docs/deploy.md).
        response = await self._request("POST", "/webhooks/rest/webhook", json=payload, headers={"X-Sender": sender})
        if response.status_code != 200:
            raise RasaUnavailable(f"REST channel answered HTTP {response.status_code}")
        try:
            replies = response.json()
        except ValueError as error:
            raise RasaUnavailable("REST channel answered with invalid JSON") from error
        if not isinstance(replies, list):
            raise RasaUnavailable("REST channel answered with something other than a list")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def parse(self, text: str) -> Dict[str, Any]:
        """The parse output of ``text`` (intent, intent_ranking, language)."""
        response = await self._request("POST", "/model/parse", json={"text": text}, headers=self._auth())
        if response.status_code != 200:
            raise RasaUnavailable(f"/model/parse answered HTTP {response.status_code}")
        return response.json()

    async def delete_conversation(self, sender: str) -> bool:
        """Deletes every tracker event of ``sender``; True on success (204 or 200)."""
        response = await self._request("DELETE", f"/privacy/conversations/{sender}", headers=self._auth())
        if response.status_code in (200, 204):
            return True
        LOGGER.warning("privacy endpoint answered HTTP %d", response.status_code)
        return False

    async def stored_messages(self, sender: str) -> int:
        """How many of ``sender``'s messages the Rasa server keeps (0 for a user never seen, or
        seen longer ago than the retention, or deleted); raises RasaUnavailable when unknown."""
        response = await self._request("GET", f"/privacy/conversations/{sender}", headers=self._auth())
        if response.status_code != 200:
            raise RasaUnavailable(f"privacy endpoint answered HTTP {response.status_code}")
        try:
            count = response.json().get("messages")
        except (ValueError, AttributeError) as error:
            raise RasaUnavailable("privacy endpoint answered with invalid JSON") from error
        if not isinstance(count, int):
            raise RasaUnavailable("privacy endpoint answered without a count")
        return count
