"""A local HTTP server that speaks enough of the Telegram Bot API for the bot's real network code.

It records every call, serves queued updates through long polling (getUpdates) and can be told
to fail a method once (429 flood control, 403 blocked). Only the outer edge is fake.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs

BOT_USER = {
    "id": 999000,
    "is_bot": True,
    "first_name": "Välkommen",
    "username": "valkommen_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: Dict[str, str]
    at: float

    def json(self, name: str) -> Any:
        """A structured parameter (reply_markup, results, ...) decoded from JSON."""
        value = self.params.get(name)
        return None if value is None else json.loads(value)

    @property
    def chat_id(self) -> Optional[int]:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


class FakeBotApi:
    """The fake server: ``base_url`` goes to ApplicationBuilder().base_url()."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: List[Call] = []
        self._updates: List[Dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id = 1
        self._failures: Dict[str, List[Dict[str, Any]]] = {}
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> "FakeBotApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what tests use ---------------------------------------------------------------
    def push(self, update: Dict[str, Any]) -> int:
        """Queues an update for getUpdates; returns its update_id."""
        with self._changed:
            update = dict(update, update_id=self._next_update_id)
            self._next_update_id += 1
            self._updates.append(update)
            self._changed.notify_all()
            return update["update_id"]

    def fail_next(
        self, method: str, chat_id: int, status: int, description: str, parameters: Optional[Dict[str, Any]] = None
    ) -> None:
        """The next call of ``method`` for ``chat_id`` gets this error answer."""
        answer = {"ok": False, "error_code": status, "description": description, "chat_id": str(chat_id)}
        if parameters:
            answer["parameters"] = parameters
        with self._changed:
            self._failures.setdefault(method, []).append(answer)

    def calls_of(self, method: Optional[str] = None, chat_id: Optional[int] = None) -> List[Call]:
        with self._changed:
            calls = list(self.calls)
        return [c for c in calls if (method is None or c.method == method) and (chat_id is None or c.chat_id == chat_id)]

    def wait_for(self, condition: Callable[[], Any], timeout: float = 90.0) -> Any:
        """Waits until ``condition()`` is truthy (re-checked after every call); returns its value."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                self._changed.release()
                try:
                    value = condition()
                finally:
                    self._changed.acquire()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"condition not met within {timeout:.0f} s; calls: {[c.method for c in self.calls][-20:]}"
                    )
                self._changed.wait(min(remaining, 0.5))

    # --- the server side ----------------------------------------------------------------
    def _answer(self, method: str, params: Dict[str, str]) -> Dict[str, Any]:
        with self._changed:
            self.calls.append(Call(method, params, time.monotonic()))
            self._changed.notify_all()
            for failure in self._failures.get(method, []):
                if failure["chat_id"] == params.get("chat_id"):
                    self._failures[method].remove(failure)
                    return {k: v for k, v in failure.items() if k != "chat_id"}
        if method == "getUpdates":
            return {"ok": True, "result": self._get_updates(params)}
        if method == "getMe":
            return {"ok": True, "result": BOT_USER}
        if method in ("sendMessage", "sendVenue", "editMessageReplyMarkup", "editMessageText"):
            return {"ok": True, "result": self._message(method, params)}
        return {"ok": True, "result": True}

    def _get_updates(self, params: Dict[str, str]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._changed.wait(max(0.0, deadline - time.monotonic()))
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return list(self._updates[: int(params.get("limit") or 100)])

    def _message(self, method: str, params: Dict[str, str]) -> Dict[str, Any]:
        with self._changed:
            message_id = self._next_message_id
            self._next_message_id += 1
        chat_id = int(params.get("chat_id") or 0)
        message: Dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if method == "sendVenue":
            message["venue"] = {
                "location": {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])},
                "title": params.get("title", ""),
                "address": params.get("address", ""),
            }
        else:
            message["text"] = params.get("text", "")
        return message

    def _handler_class(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                method = self.path[len(prefix) :].split("?")[0]
                if "json" in (self.headers.get("Content-Type") or ""):
                    raw = json.loads(body or "{}")
                    params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
                else:
                    params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                answer = api._answer(method, params)
                self._send(200 if answer["ok"] else answer["error_code"], answer)

            do_GET = do_POST  # noqa: N815

            def _send(self, status: int, answer: Dict[str, Any]) -> None:
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # the URL holds the token: never log it
                pass

        return Handler
