"""Webhook and log-format settings: webhook mode needs a URL and a secret Telegram accepts."""

from __future__ import annotations

import pytest

from core.settings import Settings, SettingsError

LOCAL_API = {"BOT_API_URL": "http://127.0.0.1:8081/bot"}


def test_polling_is_the_default() -> None:
    settings = Settings.from_env({})
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert settings.webhook_max_connections == 40 and settings.log_format == "text"


def test_webhook_url_and_secret_switch_to_webhook_mode_and_the_path_is_served() -> None:
    settings = Settings.from_env(
        {"WEBHOOK_URL": "https://bot.example.org/tg/hook", "WEBHOOK_SECRET": "abc_DEF-123"}
    )
    assert settings.webhook_url == "https://bot.example.org/tg/hook"
    assert settings.webhook_path == "/tg/hook"
    assert (
        Settings.from_env(
            {**LOCAL_API, "WEBHOOK_URL": "http://127.0.0.1:9000", "WEBHOOK_SECRET": "x"}
        ).webhook_path
        == "/"
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET: required"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "abc"}, "WEBHOOK_SECRET: set WEBHOOK_URL"),
        ({"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": "abc"}, "WEBHOOK_URL: Telegram"),
        ({"WEBHOOK_URL": "ftp://bot.example.org/hook", "WEBHOOK_SECRET": "abc"}, "WEBHOOK_URL"),
        ({"WEBHOOK_MAX_CONNECTIONS": "0"}, "WEBHOOK_MAX_CONNECTIONS"),
        ({"WEBHOOK_MAX_CONNECTIONS": "101"}, "WEBHOOK_MAX_CONNECTIONS"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_a_bad_webhook_or_log_setting_stops_start_up_naming_its_key(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_a_plain_http_webhook_is_fine_against_a_local_bot_api_and_json_logs_are_chosen() -> None:
    settings = Settings.from_env(
        {
            **LOCAL_API,
            "WEBHOOK_URL": "http://127.0.0.1:8080/hook",
            "WEBHOOK_SECRET": "abc",
            "WEBHOOK_MAX_CONNECTIONS": "100",
            "LOG_FORMAT": "JSON",
        }
    )
    assert settings.webhook_max_connections == 100 and settings.log_format == "json"
