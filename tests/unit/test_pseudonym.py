"""valkommen/core/pseudonym.py: keyed, stable, never the raw id."""

from __future__ import annotations

import stat

import pytest

from valkommen.core import pseudonym
from valkommen.core.pseudonym import pseudonymous_id


@pytest.fixture(autouse=True)
def fresh_key_cache():
    pseudonym.pseudonym_key.cache_clear()
    yield
    pseudonym.pseudonym_key.cache_clear()


def test_same_user_gets_the_same_id_and_the_raw_id_is_not_in_it(monkeypatch):
    monkeypatch.setenv("PSEUDONYM_KEY", "test-key")
    first = pseudonymous_id("telegram", 123456789)
    assert first == pseudonymous_id("telegram", "123456789")
    assert "123456789" not in first


def test_different_users_platforms_and_keys_give_different_ids(monkeypatch):
    monkeypatch.setenv("PSEUDONYM_KEY", "key-one")
    one = pseudonymous_id("telegram", 1)
    assert one != pseudonymous_id("telegram", 2)
    assert one != pseudonymous_id("web", 1)
    monkeypatch.setenv("PSEUDONYM_KEY", "key-two")
    assert one != pseudonymous_id("telegram", 1)


def test_without_a_key_a_private_random_key_file_is_created_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    key_file = tmp_path / "var" / "pseudonym.key"
    monkeypatch.setenv("PSEUDONYM_KEY_FILE", str(key_file))
    first = pseudonymous_id("telegram", 42)
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_bytes().strip()) >= 32
    pseudonym.pseudonym_key.cache_clear()  # as after a restart
    assert pseudonymous_id("telegram", 42) == first
