"""Every setting the project reads from the environment, typed and checked in one place.

``settings()`` is the one way the code reads a variable: ``settings().retention_days`` and not
``os.environ.get("RETENTION_DAYS")``. Each field's environment variable is its name in capitals
(``retention_days`` ← ``RETENTION_DAYS``); an unset or empty variable means the default, the same
default ``scripts/env.sh`` embeds for ``make run``. Secrets (tokens, keys, passwords) have no
default and are ``SecretStr``: never in ``repr`` or a log line (``reveal`` reads them).

A bad value is a ``SettingsError`` naming the variable and what is wrong, e.g.
``RETENTION_DAYS: must be a whole number of days ≥ 1, got 'abc'``. Every entry point loads the
settings before anything else and exits with status 2 on such an error (``exit_on_error``).

``python -m valkommen.core.settings --env-example`` prints ``.env.example`` (a test checks that
the file is exactly this text); ``--check`` checks the current environment.
"""

from __future__ import annotations

import os
import re
import sys
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple, TypeVar, overload
from urllib.parse import urlsplit

from pydantic import BaseSettings, Field, SecretStr, ValidationError, validator

from valkommen.core.paths import ROOT

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting has a value the project cannot use; the message names the variable."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


#: The mapping the settings are read from while ``load_settings`` builds them (None: os.environ).
_SOURCE: ContextVar[Optional[Mapping[str, str]]] = ContextVar("valkommen_settings_source", default=None)

PORT = "a TCP port number from 1 to 65535"
HTTP_URL = "an http:// or https:// URL with a host"
#: How a placeholder value a municipality must replace begins (``is_demo_placeholder``).
DEMO_MARK = "[DEMO –"


def _environment(settings: BaseSettings) -> Dict[str, Any]:
    """Settings source: each field's variable (its name in capitals); empty means unset."""
    source = _SOURCE.get()
    env = os.environ if source is None else source
    values: Dict[str, Any] = {}
    for name in settings.__fields__:
        raw = env.get(name.upper())
        if raw is not None and str(raw).strip():
            values[name] = str(raw).strip()
    return values


def _is_url(value: str, schemes: Tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.hostname) and not any(c.isspace() for c in value)


def _setting(default: Any, description: str, must: str, group: str, shown: Optional[str] = None, **limits: Any) -> Any:
    """A field: its default, a one-line description, what a value must be (for the error), its
    section of .env.example, and how .env.example shows a default computed from other settings."""
    return Field(default, description=description, must=must, group=group, shown=shown, **limits)


class Settings(BaseSettings):
    """Välkommen's settings. Build them with ``settings()`` or ``load_settings(env)``."""

    # -- Servers ---------------------------------------------------------------------------------
    bind_host: str = _setting(
        "127.0.0.1",
        "Interface the servers listen on (0.0.0.0 serves other hosts; the Rasa server then needs RASA_TOKEN).",
        "a host name or IP address",
        "Servers",
        min_length=1,
    )
    rasa_port: int = _setting(5005, "Port of the Rasa server (REST channel, HTTP API).", PORT, "Servers", ge=1, le=65535)
    action_port: int = _setting(5055, "Port of the action server.", PORT, "Servers", ge=1, le=65535)
    action_endpoint_url: Optional[str] = _setting(
        None,
        "Where Rasa calls the action server (endpoints.yml).",
        HTTP_URL,
        "Servers",
        shown="http://localhost:$ACTION_PORT/webhook",
    )
    rasa_url: Optional[str] = _setting(
        None,
        "Where the channels (Telegram, widget pages, terminal chat) and the report reach the Rasa server.",
        HTTP_URL,
        "Servers",
        shown="http://localhost:$RASA_PORT",
    )
    model_path: Path = _setting(ROOT / "models" / "valkommen.tar.gz", "The trained model.", "a file path", "Servers")
    action_timeout: float = _setting(
        10.0,
        'Seconds a custom action may take before the user gets "temporarily unavailable".',
        "a number of seconds > 0",
        "Servers",
        gt=0,
    )
    store_wait_seconds: float = _setting(
        15.0,
        "Seconds the Rasa server waits at start for its tracker/lock store, then exits with an error.",
        "a number of seconds ≥ 0",
        "Servers",
        ge=0,
    )
    max_session_turns: int = _setting(
        20,
        "User messages in one session before the next message starts a new one (keeps the cost per message flat).",
        "a whole number ≥ 2",
        "Servers",
        ge=2,
    )
    # -- Tracker store ---------------------------------------------------------------------------
    tracker_dialect: str = _setting(
        "sqlite", "Tracker store SQL dialect (postgresql in production).", "a SQL dialect name", "Tracker store", min_length=1
    )
    tracker_store_url: str = _setting(
        f"sqlite:///{ROOT / 'var' / 'tracker.db'}",
        "Tracker store database URL; production: postgresql://user:password@host:5432/valkommen.",
        "a database URL or host[:port]",
        "Tracker store",
        min_length=1,
    )
    tracker_db: str = _setting(
        "valkommen",
        "Database name, used only when TRACKER_STORE_URL is a host without a scheme.",
        "a database name",
        "Tracker store",
        min_length=1,
    )
    redis_host: str = _setting(
        "localhost",
        "Scale-out only (deploy/endpoints.scaleout.yml): host of the Redis lock store.",
        "a host name or IP address",
        "Tracker store",
        min_length=1,
    )
    redis_port: int = _setting(6379, "Scale-out only: port of the Redis lock store.", PORT, "Tracker store", ge=1, le=65535)
    redis_db: int = _setting(
        1, "Scale-out only: Redis database number of the lock store.", "a whole number ≥ 0", "Tracker store", ge=0
    )
    redis_password: Optional[SecretStr] = _setting(
        None,
        "Scale-out only: password of the Redis lock store (a secret: set it in the environment).",
        "a password",
        "Tracker store",
    )
    # -- Privacy ---------------------------------------------------------------------------------
    rasa_token: Optional[SecretStr] = _setting(
        None,
        "Token of Rasa's private HTTP routes (/model/parse, trackers, forget-me); a secret, no default.",
        "a token",
        "Privacy",
    )
    action_server_token: Optional[SecretStr] = _setting(
        None,
        "Shared secret Rasa sends to the action server; the action server refuses to start without it.",
        "a token",
        "Privacy",
    )
    retention_days: int = _setting(
        21,
        "Tracker events older than this many days are deleted (Rasa server: at start and daily; make retention).",
        "a whole number of days ≥ 1",
        "Privacy",
        ge=1,
    )
    privacy_controller: str = _setting(
        DEMO_MARK + " fill in: the organisation responsible for the personal data (personuppgiftsansvarig)]",
        "Privacy notice: the organisation responsible for the personal data, as users read it (the demo value is a marked placeholder).",
        "a name",
        "Privacy",
        min_length=1,
    )
    privacy_contact: str = _setting(
        DEMO_MARK + " fill in: how to contact the responsible organisation]",
        "Privacy notice: how users contact the responsible organisation (address, phone or e-mail of the municipality).",
        "a contact",
        "Privacy",
        min_length=1,
    )
    privacy_dpo_contact: str = _setting(
        DEMO_MARK + " fill in: how to contact the data protection officer (dataskyddsombud)]",
        "Privacy notice: how users contact the data protection officer (dataskyddsombud).",
        "a contact",
        "Privacy",
        min_length=1,
    )
    pseudonym_key: Optional[SecretStr] = _setting(
        None, "Key of the pseudonymous sender ids (a secret; default: the key in PSEUDONYM_KEY_FILE).", "a key", "Privacy"
    )
    pseudonym_key_file: Path = _setting(
        ROOT / "var" / "pseudonym.key",
        "File holding the pseudonym key when PSEUDONYM_KEY is unset (made, mode 0600, on first use).",
        "a file path",
        "Privacy",
    )
    allow_text_in_logs: bool = _setting(
        False,
        "1 lets the servers log at debug level, which writes users' messages to the log (development machines only).",
        "0 or 1",
        "Privacy",
    )
    log_level: Optional[str] = _setting(
        None,
        "Log level of Rasa and rasa-sdk (DEBUG is refused unless ALLOW_TEXT_IN_LOGS=1).",
        "a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)",
        "Privacy",
        regex=r"(?i)^(debug|info|warn|warning|error|critical)$",
    )
    log_level_libraries: Optional[str] = _setting(
        None,
        "Log level of the libraries under Rasa (DEBUG is refused unless ALLOW_TEXT_IN_LOGS=1).",
        "a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)",
        "Privacy",
        regex=r"(?i)^(debug|info|warn|warning|error|critical)$",
    )
    # -- Content and report ----------------------------------------------------------------------
    locales_dir: Path = _setting(ROOT / "locales", "Where the locale files are.", "a folder path", "Content and report")
    places_file: Path = _setting(
        ROOT / "data" / "meeting_places.yml",
        "The meeting places: the project's YAML or the city's GeoJSON export.",
        "a file path",
        "Content and report",
    )
    districts_file: Path = _setting(
        ROOT / "data" / "meeting_places.yml",
        "District names and centres, when PLACES_FILE is a GeoJSON.",
        "a file path",
        "Content and report",
    )
    content_max_age_days: int = _setting(
        365,
        "make content-check lists facts checked longer ago than this many days.",
        "a whole number of days ≥ 1",
        "Content and report",
        ge=1,
    )
    stats_min_group: int = _setting(
        5, "make report: the smallest group of people shown.", "a whole number ≥ 1", "Content and report", ge=1
    )
    # -- Web widget ------------------------------------------------------------------------------
    web_host: str = _setting(
        "localhost",
        "Interface of the widget's demo pages (make web; make run passes BIND_HOST).",
        "a host name or IP address",
        "Web widget",
        min_length=1,
    )
    web_port: int = _setting(8080, "Port of the widget's demo meeting-place pages.", PORT, "Web widget", ge=1, le=65535)
    web_origins: Optional[str] = _setting(
        None,
        "Web origins (space- or comma-separated) whose pages may call the Rasa server from a browser (CORS).",
        "http(s):// origins separated by spaces or commas",
        "Web widget",
        shown="http://localhost:$WEB_PORT",
    )
    privacy_notice_url: Optional[str] = _setting(
        None,
        "Privacy notice: the public address of the full notice page (the web chat links to it).",
        HTTP_URL,
        "Web widget",
        shown="http://localhost:$WEB_PORT/privacy.html",
    )
    # -- Telegram --------------------------------------------------------------------------------
    telegram_bot_token: Optional[SecretStr] = _setting(
        None,
        "The bot's token from @BotFather; the bot starts only when it is set (a secret, no default).",
        "a bot token",
        "Telegram",
    )
    telegram_api_url: str = _setting(
        "https://api.telegram.org/bot", "Bot API base URL (the token is appended).", HTTP_URL, "Telegram"
    )
    telegram_webhook_url: Optional[str] = _setting(
        None,
        "Webhook mode when set (long polling otherwise): the public HTTPS URL Telegram posts updates to.",
        "an https:// URL with a host",
        "Telegram",
    )
    telegram_webhook_listen: str = _setting(
        "127.0.0.1",
        "Interface of the bot's webhook server (behind the TLS proxy).",
        "a host name or IP address",
        "Telegram",
        min_length=1,
    )
    telegram_webhook_port: int = _setting(8443, "Port of the bot's webhook server.", PORT, "Telegram", ge=1, le=65535)
    telegram_rate_limit: int = _setting(
        20, "Messages per user per minute the bot passes on.", "a whole number ≥ 1", "Telegram", ge=1
    )
    telegram_bot_username: str = _setting(
        "ValkommenDemoBot",
        "The bot's @username without @: the posters' QR codes link to t.me/<username>. The default is a demo name"
        " (the posters then say DEMO); set the municipality's bot.",
        "a Telegram username: 5-32 letters, digits or _",
        "Telegram",
        regex=r"^[A-Za-z][A-Za-z0-9_]{4,31}$",
    )
    # -- Install ---------------------------------------------------------------------------------
    python310: Optional[str] = _setting(
        None,
        "Python 3.10 interpreter make install builds the virtual environment with (default: found automatically).",
        "a file path",
        "Install",
    )
    # -- Accessibility statement (web widget) ----------------------------------------------------
    accessibility_contact: str = _setting(
        "[DEMO – fill in: where users report accessibility problems (e-mail or web form of the municipality)]",
        "Accessibility statement: where users report accessibility problems (the demo value is a marked placeholder).",
        "a contact",
        "Web widget",
        min_length=1,
    )

    class Config:
        validate_all = True
        frozen = True

        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any, file_secret_settings: Any) -> Tuple[Any, ...]:
            return (init_settings, _environment)

    @validator("action_endpoint_url", always=True)
    def _action_endpoint_default(cls, value: Optional[str], values: Dict[str, Any]) -> str:
        return value or f"http://localhost:{values.get('action_port', 5055)}/webhook"

    @validator("rasa_url", always=True)
    def _rasa_url_default(cls, value: Optional[str], values: Dict[str, Any]) -> str:
        return (value or f"http://localhost:{values.get('rasa_port', 5005)}").rstrip("/")

    @validator("web_origins", always=True)
    def _web_origins_default(cls, value: Optional[str], values: Dict[str, Any]) -> str:
        value = value or f"http://localhost:{values.get('web_port', 8080)}"
        if not all(origin == "*" or _is_url(origin, ("http", "https")) for origin in value.replace(",", " ").split()):
            raise ValueError("not an origin")
        return value

    @validator("privacy_notice_url", always=True)
    def _privacy_notice_default(cls, value: Optional[str], values: Dict[str, Any]) -> str:
        return value or f"http://localhost:{values.get('web_port', 8080)}/privacy.html"

    @validator("action_endpoint_url", "rasa_url", "telegram_api_url", "privacy_notice_url")
    def _http_url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _is_url(value, ("http", "https")):
            raise ValueError("not a URL")
        return value

    @validator("telegram_webhook_url")
    def _https_url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _is_url(value, ("https",)):
            raise ValueError("not an https URL")
        return value

    def reveal(self, name: str) -> Optional[str]:
        """The value of the secret field ``name`` (e.g. ``"rasa_token"``), or None when unset."""
        secret = getattr(self, name)
        return secret.get_secret_value() if secret is not None else None

    def __repr_args__(self) -> Any:
        """Like pydantic's, with a password inside a URL masked (secrets are SecretStr already)."""
        for name, value in super().__repr_args__():
            if isinstance(value, str) and "://" in value:
                value = re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", value)
            yield name, value


def is_demo_placeholder(value: Optional[str]) -> bool:
    """Whether ``value`` is still one of the demo's marked placeholders (``[DEMO – fill in: …]``)."""
    return value is not None and value.strip().startswith(DEMO_MARK)


def variable(name: str) -> str:
    """The environment variable of field ``name``."""
    return name.upper()


def variables() -> List[str]:
    """Every environment variable the settings read, in declaration order."""
    return [variable(name) for name in Settings.__fields__]


def _problem(name: str, message: str, env: Mapping[str, str]) -> str:
    field = Settings.__fields__.get(name)
    if field is None:
        return message
    must = field.field_info.extra.get("must")
    raw = env.get(variable(name))
    shown = "***" if field.type_ is SecretStr else repr(raw.strip() if isinstance(raw, str) else raw)
    return f"{variable(name)}: must be {must}, got {shown}" if must else f"{variable(name)}: {message}"


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """The settings from ``env`` (default: os.environ); a ``SettingsError`` names each bad variable."""
    env = os.environ if env is None else env
    token = _SOURCE.set(env)
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = str(item["loc"][0]) if item.get("loc") else ""
            problem = _problem(name, item.get("msg", "invalid"), env)
            if problem not in problems:
                problems.append(problem)
        raise SettingsError(problems) from None
    finally:
        _SOURCE.reset(token)


@lru_cache(maxsize=8)
def _cached(values: Tuple[Tuple[str, str], ...]) -> Settings:
    return load_settings(dict(values))


def settings() -> Settings:
    """The settings of this process's environment, built once per distinct set of values."""
    return _cached(tuple((name, os.environ[name]) for name in variables() if name in os.environ))


@overload
def exit_on_error() -> Settings: ...
@overload
def exit_on_error(load: Callable[[], T]) -> T: ...
def exit_on_error(load: Callable[[], Any] = settings) -> Any:
    """``load()`` (default: the settings), or ``error: ...`` on stderr and exit status 2."""
    try:
        return load()
    except SettingsError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)


def _shown_default(name: str) -> str:
    """A field's default as .env.example shows it (paths under the project as $ROOT/...)."""
    field = Settings.__fields__[name]
    shown = field.field_info.extra.get("shown")
    if shown is not None:
        return shown
    value = field.default
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(str(ROOT), "$ROOT")


def _groups() -> Iterator[Tuple[str, List[str]]]:
    groups: Dict[str, List[str]] = {}
    for name, field in Settings.__fields__.items():
        groups.setdefault(field.field_info.extra["group"], []).append(name)
    yield from groups.items()


def env_example() -> str:
    """The text of .env.example: every variable, commented out, with its description and default."""
    lines = [
        "# Välkommen environment: every setting, its default and what it is for.",
        "# Generated from valkommen/core/settings.py: python -m valkommen.core.settings --env-example > .env.example",
        "# Copy to .env and uncomment what you change; scripts/env.sh reads .env ($ROOT is the project folder).",
        "# Secrets (tokens, keys, passwords) have no default: set them in the environment.",
    ]
    for group, names in _groups():
        lines += ["", f"# --- {group} ---"]
        for name in names:
            lines.append(f"# {Settings.__fields__[name].field_info.description}")
            lines.append(f"# {variable(name)}={_shown_default(name)}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    """``--env-example``: print .env.example; ``--check``: check the environment's settings."""
    import argparse

    parser = argparse.ArgumentParser(description="Välkommen's settings.")
    parser.add_argument("--env-example", action="store_true", help="print .env.example")
    parser.add_argument("--check", action="store_true", help="check the environment's settings (status 2 if bad)")
    args = parser.parse_args(argv)
    if args.env_example:
        sys.stdout.write(env_example())
    if args.check or not args.env_example:
        print(repr(exit_on_error(lambda: load_settings(os.environ))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
