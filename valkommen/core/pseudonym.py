"""Pseudonymous sender ids: a keyed hash of a platform user id, never the raw id.

The key is ``PSEUDONYM_KEY`` from the environment; when it is unset, a random key kept in
``var/pseudonym.key`` (created with mode 0600 on first use), so ids stay stable across restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Optional, Union

from valkommen.core.paths import ROOT
from valkommen.core.settings import settings

DEFAULT_KEY_FILE = ROOT / "var" / "pseudonym.key"


def _read_or_create_key(path: Path) -> bytes:
    """The key in ``path``, created (random, mode 0600) if the file does not exist yet."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


@lru_cache(maxsize=4)
def pseudonym_key(env_key: Optional[str] = None, key_file: Optional[str] = None) -> bytes:
    """The HMAC key: ``env_key`` (PSEUDONYM_KEY) if given, else the key file's."""
    if env_key:
        return env_key.encode("utf-8")
    return _read_or_create_key(Path(key_file) if key_file else DEFAULT_KEY_FILE)


def pseudonymous_id(platform: str, user_id: Union[str, int]) -> str:
    """A stable pseudonym for ``user_id`` on ``platform`` (HMAC-SHA256, hex).

    The same user on the same platform always gets the same id; the raw id cannot be read back.
    """
    config = settings()
    key = pseudonym_key(config.reveal("pseudonym_key"), str(config.pseudonym_key_file))
    message = f"{platform}:{user_id}".encode()
    return f"{platform}-{hmac.new(key, message, hashlib.sha256).hexdigest()[:32]}"
