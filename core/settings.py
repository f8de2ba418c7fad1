"""Settings read once at start-up from a mapping (the environment plus `.env`), frozen afterwards."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TELEGRAM_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/examiner.db"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the key."""


def _split(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[,，、;；]", raw) if part.strip())


def _int_list(key: str, raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in _split(raw))
    except ValueError:
        raise SettingsError(f"{key}: expected comma-separated Telegram user ids, got {raw!r}") from None


def _int(key: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{key}: expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{key}: expected a number from {low} to {high}, got {value}")
    return value


def _url(key: str, raw: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", raw):
        raise SettingsError(f"{key}: expected an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _database_url(raw: str) -> str:
    if not re.fullmatch(r"(sqlite\+aiosqlite|postgresql\+asyncpg|postgresql)://\S*", raw):
        raise SettingsError(
            "DATABASE_URL: expected sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db, "
            f"got {raw.split('://')[0]!r}://…"
        )
    if raw.startswith("postgresql://"):
        return "postgresql+asyncpg://" + raw.removeprefix("postgresql://")
    return raw


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable; build it with `Settings.from_env`."""

    bot_token: str | None = None
    bot_api_url: str = TELEGRAM_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    staff_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    contact_names: tuple[str, ...] = ("高韵涵", "王洪")
    contact_phones: tuple[str, ...] = ("0551-62636637", "0551-62636631")
    tech_support_phone: str = "18155118665"
    issuer_name: str = "安徽省职业技能鉴定中心"
    public_base_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    log_level: str = "INFO"
    # requests per second to Telegram over all chats (PTB's AIORateLimiter); 0 lifts the cap
    telegram_overall_rate: int = 30
    # days after a plan ends before its photos, proofs and non-passers' personal fields are deleted
    retention_days: int = 180
    # webhook mode when set: Telegram POSTs updates here (the path is served by the built-in web server)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_max_connections: int = 40
    log_format: str = "text"  # text | json (one object per line)

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL, which the web server answers."""
        if self.webhook_url is None:
            raise RuntimeError("webhook_path asked for without WEBHOOK_URL")
        return urlsplit(self.webhook_url).path or "/"

    @property
    def bot_file_api_url(self) -> str:
        """Derive the file download base from the API base, as Telegram and the emulator lay them out."""
        head, sep, tail = self.bot_api_url.rpartition("/bot")
        if not sep:
            return self.bot_api_url + "/file/bot"
        return f"{head}/file/bot{tail}"

    @property
    def sandbox(self) -> bool:
        """Run the local emulator instead of Telegram when no token is configured."""
        return self.bot_token is None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read and check every key, failing with one line that names the first bad key."""

        def get(key: str) -> str | None:
            value = env.get(key)
            return value.strip() if value is not None and value.strip() else None

        values: dict[str, object] = {}
        token = get("BOT_TOKEN")
        if token is not None:
            if not re.fullmatch(r"\d{3,20}:[A-Za-z0-9_-]{20,100}", token):
                raise SettingsError("BOT_TOKEN: expected the token BotFather gave, like 123456:ABC-DEF…")
            values["bot_token"] = token
        if (raw := get("BOT_API_URL")) is not None:
            values["bot_api_url"] = _url("BOT_API_URL", raw)
        if (raw := get("DATABASE_URL")) is not None:
            values["database_url"] = _database_url(raw)
        if (raw := get("STAFF_IDS")) is not None:
            values["staff_ids"] = _int_list("STAFF_IDS", raw)
        if (raw := get("TIMEZONE")) is not None:
            try:
                values["timezone"] = ZoneInfo(raw)
            except (ZoneInfoNotFoundError, ValueError):
                raise SettingsError(f"TIMEZONE: unknown time zone {raw!r} (e.g. Asia/Shanghai)") from None
        if (raw := get("CONTACT_NAMES")) is not None:
            values["contact_names"] = _split(raw)
        if (raw := get("CONTACT_PHONES")) is not None:
            phones = _split(raw)
            if not all(re.fullmatch(r"[0-9+\-() ]{5,20}", p) for p in phones):
                raise SettingsError(f"CONTACT_PHONES: expected comma-separated phone numbers, got {raw!r}")
            values["contact_phones"] = phones
        if (raw := get("TECH_SUPPORT_PHONE")) is not None:
            if not re.fullmatch(r"[0-9+\-() ]{5,20}", raw):
                raise SettingsError(f"TECH_SUPPORT_PHONE: expected a phone number, got {raw!r}")
            values["tech_support_phone"] = raw
        if (raw := get("ISSUER_NAME")) is not None:
            values["issuer_name"] = raw
        if (raw := get("PUBLIC_BASE_URL")) is not None:
            values["public_base_url"] = _url("PUBLIC_BASE_URL", raw)
        if (raw := get("WEB_HOST")) is not None:
            values["web_host"] = raw
        if (raw := get("WEB_PORT")) is not None:
            values["web_port"] = _int("WEB_PORT", raw, 0, 65535)
        if (raw := get("LOG_LEVEL")) is not None:
            if raw.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
                raise SettingsError(f"LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR, got {raw!r}")
            values["log_level"] = raw.upper()
        if (raw := get("TELEGRAM_OVERALL_RATE")) is not None:
            values["telegram_overall_rate"] = _int("TELEGRAM_OVERALL_RATE", raw, 0, 10_000)
        if (raw := get("RETENTION_DAYS")) is not None:
            values["retention_days"] = _int("RETENTION_DAYS", raw, 1, 36_500)
        values.update(_webhook(get, str(values.get("bot_api_url", TELEGRAM_API_URL))))
        if (raw := get("LOG_FORMAT")) is not None:
            if raw.lower() not in {"text", "json"}:
                raise SettingsError(f"LOG_FORMAT: expected text or json, got {raw!r}")
            values["log_format"] = raw.lower()
        return cls(**values)  # type: ignore[arg-type]


def _webhook(get: Callable[[str], str | None], api_url: str) -> dict[str, object]:
    """Check the webhook keys together: a URL needs a secret, and Telegram itself delivers only to HTTPS."""
    url, secret, connections = get("WEBHOOK_URL"), get("WEBHOOK_SECRET"), get("WEBHOOK_MAX_CONNECTIONS")
    values: dict[str, object] = {}
    if connections is not None:
        values["webhook_max_connections"] = _int("WEBHOOK_MAX_CONNECTIONS", connections, 1, 100)
    if url is None:
        if secret is not None:
            raise SettingsError("WEBHOOK_SECRET: set WEBHOOK_URL too (webhook mode), or remove it to poll")
        return values
    values["webhook_url"] = _url("WEBHOOK_URL", url)
    if api_url == TELEGRAM_API_URL and not url.startswith("https://"):
        raise SettingsError(f"WEBHOOK_URL: Telegram delivers only to https:// URLs, got {url!r}")
    if secret is None:
        raise SettingsError("WEBHOOK_SECRET: required with WEBHOOK_URL (1-256 characters A-Z a-z 0-9 _ -)")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise SettingsError(
            "WEBHOOK_SECRET: expected 1-256 characters from A-Z a-z 0-9 _ - (Telegram's rule)"
        )
    values["webhook_secret"] = secret
    return values
