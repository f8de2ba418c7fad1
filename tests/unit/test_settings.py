"""Settings come from a mapping, once; a bad value stops start-up naming its key."""

from __future__ import annotations

import pytest

from core.settings import Settings, SettingsError


def test_defaults_need_no_environment_and_mean_sandbox() -> None:
    settings = Settings.from_env({})
    assert settings.sandbox
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert str(settings.timezone) == "Asia/Shanghai"
    assert settings.contact_names == ("高韵涵", "王洪")
    assert settings.tech_support_phone == "18155118665"


def test_file_url_is_derived_from_the_api_url() -> None:
    assert Settings.from_env({}).bot_file_api_url == "https://api.telegram.org/file/bot"
    local = Settings.from_env({"BOT_API_URL": "http://127.0.0.1:8081/bot"})
    assert local.bot_file_api_url == "http://127.0.0.1:8081/file/bot"


def test_staff_ids_accept_chinese_and_ascii_separators() -> None:
    assert Settings.from_env({"STAFF_IDS": "1, 2，3"}).staff_ids == frozenset({1, 2, 3})


def test_telegram_rate_defaults_to_the_bulk_limit_and_zero_lifts_it() -> None:
    assert Settings.from_env({}).telegram_overall_rate == 30
    assert Settings.from_env({"TELEGRAM_OVERALL_RATE": "0"}).telegram_overall_rate == 0


def test_plain_postgresql_url_gets_the_async_driver() -> None:
    url = Settings.from_env({"DATABASE_URL": "postgresql://u@h/db"}).database_url
    assert url == "postgresql+asyncpg://u@h/db"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("BOT_API_URL", "ftp://example"),
        ("DATABASE_URL", "mysql://x"),
        ("STAFF_IDS", "12,abc"),
        ("TIMEZONE", "Mars/Olympus"),
        ("WEB_PORT", "99999"),
        ("LOG_LEVEL", "LOUD"),
        ("CONTACT_PHONES", "call me"),
        ("TELEGRAM_OVERALL_RATE", "fast"),
        ("TELEGRAM_OVERALL_RATE", "-1"),
    ],
)
def test_a_malformed_value_names_its_key(key: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({key: value})
    assert str(raised.value).startswith(f"{key}:")


def test_blank_values_fall_back_to_defaults() -> None:
    assert Settings.from_env({"BOT_TOKEN": "  ", "WEB_PORT": ""}).web_port == 8080
