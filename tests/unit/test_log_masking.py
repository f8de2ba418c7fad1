"""The log filter: personal numbers and tokens never reach a handler whole."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from core.privacy import log_masking
from core.privacy.log_masking import mask_text
from core.privacy.masking import mask_email, mask_id
from core.profile.identity import make_resident_id

TOKEN = "123456789:AAE2E-test-token-for-the-emulator-only"
RESIDENT = make_resident_id("340104", seq=123)
FOREIGN = make_resident_id("934010", seq=5)[:17] + "X"


def test_a_resident_id_keeps_its_first_three_and_last_four_characters() -> None:
    assert mask_text(f"id={RESIDENT}") == f"id={RESIDENT[:3]}{'*' * 11}{RESIDENT[-4:]}"
    assert mask_text(f"身份证{RESIDENT[:17]}x，") == f"身份证340***********{RESIDENT[14:17]}x，"
    assert mask_text(f"{RESIDENT}00") == f"{RESIDENT}00"  # 20 digits are some other number


def test_every_id_format_the_profile_accepts_is_masked() -> None:
    for number in ("E12345678", "EA1234567", "H1234567890", "M12345678", "ABC123456789012", FOREIGN):
        assert number not in mask_text(f"number {number} saved"), number
    assert "12345678" not in mask_text("台湾居民来往大陆通行证 号码 12345678")


def test_mobile_numbers_with_or_without_the_country_code_are_masked() -> None:
    for text in ("call 13812345678", "+86 13812345678", "8613812345678", "x13812345678y"):
        assert "13812345678" not in mask_text(text), text
    assert mask_text("13812345678") == "138****5678"
    assert mask_text("收件人：李四\\u300013812345678") == "收件人：李四\\u3000138****5678"
    assert mask_text(f"\\n{RESIDENT}") == f"\\n{mask_id(RESIDENT)}"
    assert mask_text("update 1733100000123 at 20261202") == "update 1733100000123 at 20261202"


def test_e_mail_addresses_keep_only_their_first_letter_and_domain() -> None:
    assert mask_text("邮箱：zhang.san@example.com。") == "邮箱：z***@example.com。"
    assert mask_email("x") == "*"


def test_bot_tokens_are_masked_inside_bot_api_urls() -> None:
    url = f"POST http://127.0.0.1:8081/bot{TOKEN}/sendMessage"
    assert mask_text(url) == "POST http://127.0.0.1:8081/bot123456789:[token]/sendMessage"
    assert mask_text(f"/file/bot{TOKEN.replace(':', '%3A')}/x") == "/file/bot123456789:[token]/x"
    assert mask_text("short secret abc", ["short secret"]) == "[token] abc"


def test_masking_masked_text_changes_nothing() -> None:
    once = mask_text(f"{RESIDENT} 13812345678 a@b.cn {TOKEN}")
    assert mask_text(once) == once and mask_id(RESIDENT) in once


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A handler at the root, as logging.basicConfig makes, with the filter installed after it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    log_masking.install([TOKEN])
    try:
        yield stream
    finally:
        log_masking.uninstall()
        root.removeHandler(handler)
        root.setLevel(level)


def test_arguments_exceptions_and_library_loggers_are_masked(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', f"http://h/bot{TOKEN}/getMe")
    logging.getLogger("telegram.ext.test").debug("update %r", {"text": RESIDENT, "phone": "13812345678"})
    try:
        raise ValueError(f"bad id {RESIDENT} for a@example.com")
    except ValueError:
        logging.getLogger("bot.handlers").exception("failed for %s", "13900001111")
    quiet = logging.getLogger("library.own")
    quiet.propagate = False
    quiet.addHandler(logging.StreamHandler(captured))
    quiet.warning("token %s", TOKEN)
    text = captured.getvalue()
    for secret in (TOKEN, RESIDENT, "13812345678", "13900001111", "a@example.com"):
        assert secret not in text, secret
    assert "ValueError: bad id 340***********" in text and "getMe" in text
