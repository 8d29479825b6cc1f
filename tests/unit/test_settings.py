"""The one typed settings object: defaults, clear errors, secrets kept out of repr, .env.example in sync,
and every entry point refusing a bad value at start with the variable named."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from valkommen.core.paths import ROOT
from valkommen.core.settings import Settings, SettingsError, env_example, load_settings, settings, variables

SECRETS = ("RASA_TOKEN", "ACTION_SERVER_TOKEN", "TELEGRAM_BOT_TOKEN", "PSEUDONYM_KEY", "REDIS_PASSWORD")


def test_defaults_are_the_documented_ones():
    config = load_settings({})
    assert (config.bind_host, config.rasa_port, config.action_port) == ("127.0.0.1", 5005, 5055)
    assert config.retention_days == 21  # the privacy issue's figure (was 30)
    assert (config.max_session_turns, config.action_timeout, config.store_wait_seconds) == (20, 10.0, 15.0)
    assert config.rasa_url == "http://localhost:5005"
    assert config.action_endpoint_url == "http://localhost:5055/webhook"
    assert config.tracker_store_url == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    assert config.locales_dir == ROOT / "locales" and config.places_file == ROOT / "data" / "meeting_places.yml"
    assert (config.web_host, config.web_port, config.web_origins) == ("localhost", 8080, "http://localhost:8080")
    assert config.telegram_api_url == "https://api.telegram.org/bot" and config.telegram_webhook_url is None
    assert not config.allow_text_in_logs
    for name in SECRETS:
        assert config.reveal(name.lower()) is None, f"{name} must have no default"


def test_every_field_has_a_description_and_says_what_a_value_must_be():
    for name, field in Settings.__fields__.items():
        assert field.field_info.description, name
        assert field.field_info.extra.get("must"), name


def test_values_are_read_typed_and_empty_means_the_default():
    config = load_settings(
        {
            "RASA_PORT": "6000",
            "RETENTION_DAYS": " 7 ",
            "ACTION_TIMEOUT": "2.5",
            "BIND_HOST": "",
            "ALLOW_TEXT_IN_LOGS": "1",
            "RASA_TOKEN": "tok",
            "RASA_URL": "http://rasa:5005/",
        }
    )
    assert (config.rasa_port, config.retention_days, config.action_timeout) == (6000, 7, 2.5)
    assert config.bind_host == "127.0.0.1" and config.allow_text_in_logs
    assert config.reveal("rasa_token") == "tok" and config.rasa_url == "http://rasa:5005"
    assert load_settings({"RASA_PORT": "6000"}).rasa_url == "http://localhost:6000"


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("RETENTION_DAYS", "abc", "RETENTION_DAYS: must be a whole number of days ≥ 1, got 'abc'"),
        ("RETENTION_DAYS", "0", "RETENTION_DAYS: must be a whole number of days ≥ 1, got '0'"),
        ("MAX_SESSION_TURNS", "1", "MAX_SESSION_TURNS: must be a whole number ≥ 2, got '1'"),
        ("RASA_PORT", "70000", "RASA_PORT: must be a TCP port number from 1 to 65535, got '70000'"),
        ("TELEGRAM_WEBHOOK_PORT", "0", "TELEGRAM_WEBHOOK_PORT: must be a TCP port number from 1 to 65535, got '0'"),
        ("ACTION_TIMEOUT", "-1", "ACTION_TIMEOUT: must be a number of seconds > 0, got '-1'"),
        ("RASA_URL", "localhost:5005", "RASA_URL: must be an http:// or https:// URL with a host, got 'localhost:5005'"),
        ("ACTION_ENDPOINT_URL", "http://", "ACTION_ENDPOINT_URL: must be an http:// or https:// URL with a host, got 'http://'"),
        (
            "TELEGRAM_WEBHOOK_URL",
            "http://bot.example/t",
            "TELEGRAM_WEBHOOK_URL: must be an https:// URL with a host, got 'http://bot.example/t'",
        ),
        ("ALLOW_TEXT_IN_LOGS", "perhaps", "ALLOW_TEXT_IN_LOGS: must be 0 or 1, got 'perhaps'"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: must be a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL), got 'loud'"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_is_wrong(name, value, expected):
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    assert str(caught.value) == expected
    assert isinstance(caught.value, ValueError)


def test_every_bad_value_is_reported_at_once():
    with pytest.raises(SettingsError) as caught:
        load_settings({"RETENTION_DAYS": "x", "WEB_PORT": "http"})
    assert [p.split(":")[0] for p in caught.value.problems] == ["RETENTION_DAYS", "WEB_PORT"]


def test_secrets_are_never_in_repr_or_str():
    env = {name: f"s3cret-{name.lower()}" for name in SECRETS}
    env["TRACKER_STORE_URL"] = "postgresql://valkommen:db-pa55@db.internal:5432/valkommen"
    config = load_settings(env)
    for text in (repr(config), str(config)):
        for name in SECRETS:
            assert env[name] not in text
        assert "db-pa55" not in text and "db.internal" in text
    assert config.reveal("telegram_bot_token") == "s3cret-telegram_bot_token"


def test_settings_follow_the_environment_and_are_cached(monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "9")
    first = settings()
    assert first.retention_days == 9 and settings() is first
    monkeypatch.setenv("RETENTION_DAYS", "10")
    assert settings().retention_days == 10
    monkeypatch.setenv("RETENTION_DAYS", "ten")
    with pytest.raises(SettingsError, match="RETENTION_DAYS"):
        settings()


def _example_values(text: str) -> dict:
    values = {}
    for line in text.splitlines():
        match = re.fullmatch(r"#?\s*([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            values[match.group(1)] = match.group(2)
    return values


def test_env_example_is_generated_from_the_settings():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert text == env_example(), "regenerate: python -m valkommen.core.settings --env-example > .env.example"


def test_env_example_lists_every_setting_with_its_default_and_nothing_else():
    values = _example_values((ROOT / ".env.example").read_text(encoding="utf-8"))
    assert sorted(values) == sorted(variables())
    shown = {name: value.replace("$ROOT", str(ROOT)) for name, value in values.items()}
    derived = {"RASA_URL", "ACTION_ENDPOINT_URL", "WEB_ORIGINS", "PRIVACY_NOTICE_URL"}  # computed from the ports: checked below
    for name, field in Settings.__fields__.items():
        env_name = name.upper()
        if env_name in derived:
            continue
        default = field.default
        expected = "" if default is None else ("1" if default is True else "0" if default is False else str(default))
        if isinstance(default, float) and default.is_integer():
            expected = str(int(default))
        assert shown[env_name] == expected, env_name
    ports = {"$RASA_PORT": "5005", "$ACTION_PORT": "5055", "$WEB_PORT": "8080"}
    defaults = load_settings({})
    for name in derived:
        value = values[name]
        for placeholder, port in ports.items():
            value = value.replace(placeholder, port)
        assert value == getattr(defaults, name.lower()), name


def test_scripts_env_sh_embeds_the_same_defaults():
    text = (ROOT / "scripts" / "env.sh").read_text(encoding="utf-8")
    embedded = dict(re.findall(r'^export ([A-Z0-9_]+)="\$\{\1:-(.*)\}"$', text, flags=re.M))
    example = _example_values(env_example())
    checked = [name for name in embedded if name in example and name not in SECRETS]
    assert {"RETENTION_DAYS", "BIND_HOST", "TRACKER_STORE_URL", "ACTION_TIMEOUT"} <= set(checked)
    for name in checked:
        assert embedded[name] == example[name], name


def _run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in variables()}
    started = time.monotonic()
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120)
    return result, time.monotonic() - started


def test_the_rasa_server_launcher_refuses_a_bad_value_before_loading_rasa():
    result, seconds = _run(
        ["-m", "valkommen.server.rasa_server", "run", "--model", "/nonexistent/model.tar.gz", "--enable-api"],
        RETENTION_DAYS="abc",
    )
    assert result.returncode == 2, result.stderr
    assert "error: RETENTION_DAYS: must be a whole number of days ≥ 1, got 'abc'" in result.stderr.splitlines()
    assert seconds < 20
    # Nothing of Rasa (or TensorFlow) is imported by then.
    probe = (
        "import sys\nfrom valkommen.server import rasa_server\nsys.argv = ['x', 'run']\n"
        "try:\n    rasa_server.main()\nexcept SystemExit as e:\n"
        "    print(e.code, sorted({m.split('.')[0] for m in sys.modules} & {'rasa', 'tensorflow', 'sanic'}))\n"
    )
    result, _ = _run(["-c", probe], MAX_SESSION_TURNS="1")
    assert result.stdout.strip() == "2 []", result.stdout + result.stderr
    assert "error: MAX_SESSION_TURNS: must be a whole number ≥ 2, got '1'" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "valkommen.server.action_server", "--actions", "actions"],
        ["-m", "valkommen.server.retention", "--endpoints", "/nonexistent.yml"],
        ["-m", "valkommen.channels.telegram.app"],
        ["-m", "valkommen.channels.web.serve"],
        ["-m", "valkommen.channels.terminal"],
        ["-m", "valkommen.stats", "--out", "/nonexistent"],
    ],
    ids=lambda args: args[1],
)
def test_every_entry_point_refuses_a_bad_value(args):
    result, _ = _run(args, RETENTION_DAYS="abc", ACTION_SERVER_TOKEN="t", TELEGRAM_BOT_TOKEN="1:abc")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "error: RETENTION_DAYS: must be a whole number of days ≥ 1, got 'abc'" in result.stderr


def test_the_telegram_bot_names_a_missing_token():
    result, _ = _run(["-m", "valkommen.channels.telegram.app"])
    assert result.returncode == 2 and "error: TELEGRAM_BOT_TOKEN: is not set" in result.stderr


def test_no_runtime_module_reads_the_environment_itself():
    """Settings come from valkommen.core.settings; the exceptions are writes and the terminal's LANG."""
    allowed = {
        ("valkommen/server/action_server.py", 'os.environ["SANIC_HOST"] ='),
        ("valkommen/channels/terminal.py", 'os.environ.get("LANG")'),
    }
    found = []
    for path in sorted((ROOT / "valkommen").rglob("*.py")) + sorted((ROOT / "actions").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "valkommen/core/settings.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"os\.environ|os\.getenv|getenv\(", line) and not any(
                relative == a_path and snippet in line for a_path, snippet in allowed
            ):
                found.append(f"{relative}: {line.strip()}")
    assert found == []


def test_the_settings_module_prints_env_example():
    result, _ = _run(["-m", "valkommen.core.settings", "--env-example"])
    assert result.returncode == 0 and result.stdout == env_example()
    assert Path(ROOT / ".env.example").read_text(encoding="utf-8") == result.stdout
