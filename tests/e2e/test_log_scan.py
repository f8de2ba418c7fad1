"""The whole candidate and staff journey at DEBUG: the log holds no full ID number, phone, e-mail or token.

The journeys are the project's own e2e stories, run here with a handler at the root logger (as
`logging.basicConfig` in bot/__main__.py makes) and the masking filter installed as at start-up.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Awaitable, Callable, Iterator

import pytest
from sqlalchemy import select

from core.db import Database
from core.db.models import Examiner, KnownCertificate, MailRequest, Profile
from core.privacy import log_masking
from tests.e2e.harness import TOKEN, BotHarness
from tests.e2e.test_certificate_journey import (
    test_a_candidate_goes_from_quiz_to_a_verified_certificate as certificate_journey,
)
from tests.e2e.test_mailing_and_archive import (
    test_a_holder_asks_for_a_printed_copy_and_is_told_when_it_is_posted as mailing_journey,
)
from tests.e2e.test_profile_flow import (
    test_a_candidate_fills_the_profile_and_confirms_the_summary as profile_journey,
)
from tests.e2e.test_registration_flow import (
    test_a_candidate_goes_from_start_to_a_submitted_registration as registration_journey,
)
from tests.e2e.test_staff_story import (
    test_staff_import_invite_review_and_the_liaison_sees_only_their_people as staff_journey,
)
from tests.e2e.test_study_quiz import test_a_candidate_studies_180_minutes_and_passes_the_quiz as quiz_journey

# loggers that carry request URLs, update contents and SQL parameters: all must reach the root handler
LIBRARIES = (
    "bot.telegram_http",
    "httpx",
    "httpcore",
    "telegram",
    "aiohttp",
    "apscheduler",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
)
Journey = Callable[[BotHarness, str], Awaitable[None]]


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything every logger says at DEBUG, through a root handler with the start-up masking installed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in LIBRARIES}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in LIBRARIES:
        library = logging.getLogger(name)
        library.setLevel(logging.NOTSET)
        assert library.propagate, name
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)  # statements with their parameters
    log_masking.install([TOKEN])
    try:
        yield stream
    finally:
        log_masking.uninstall()
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger("sqlalchemy.engine").setLevel(logging.NOTSET)


async def personal_values(database_url: str) -> set[str]:
    """Every ID number, phone and e-mail address the journey left in the database."""
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            s = uow.session
            rows = (await s.execute(select(Profile.id_number, Profile.mobile, Profile.email))).all()
            values = {v for row in rows for v in row if v}
            values |= {v for v in await s.scalars(select(KnownCertificate.id_number)) if v}
            values |= {v for v in await s.scalars(select(Examiner.id_number)) if v}
            values |= {v for v in await s.scalars(select(MailRequest.mobile)) if v}
    finally:
        await db.dispose()
    return values


@pytest.mark.parametrize(
    "journey",
    [
        profile_journey,
        registration_journey,
        staff_journey,
        quiz_journey,
        certificate_journey,
        mailing_journey,
    ],
    ids=["profile", "registration", "staff_review_and_liaison", "study_and_quiz", "certificate", "mailing"],
)
async def test_the_debug_log_of_a_journey_holds_no_personal_number_or_token(
    debug_log: io.StringIO, bot: BotHarness, database_url: str, journey: Journey
) -> None:
    await journey(bot, database_url)
    await bot.stop()  # shutdown logs too
    text = debug_log.getvalue()
    values = await personal_values(database_url)
    assert values or journey is quiz_journey, "the journey stored no personal data to look for"
    # the Bot API transport logs every request URL (with the token in it), as httpx did before it
    found = set(re.findall(r" (bot\.telegram_http|telegram)[.:]", text))
    assert {"bot.telegram_http", "telegram"} <= found, "library logs missing"
    leaked = sorted(v for v in values | {TOKEN, TOKEN.split(":", 1)[1]} if v in text)
    where = [text[max(0, text.find(v) - 80) : text.find(v)] for v in leaked]
    assert not leaked, f"in the log: {[log_masking.mask_text(v) for v in leaked]} after {where}"
    assert not re.search(r"(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])", text)
