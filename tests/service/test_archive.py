"""考试档案: one view of the whole history, from registration to certificate and post."""

from __future__ import annotations

from core.archive import archive_of
from core.certificates.mailing import answer, start_request
from core.db import Database
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import make_candidate, make_plan
from tests.service.test_certificates import certified

HOLDER = TelegramIdentity(1001, "张三")


async def test_the_archive_holds_registration_attempts_seat_attendance_exam_certificate_and_mail(
    db: Database,
) -> None:
    [number] = await certified(db)
    await start_request(db, HOLDER)
    for value in ("张三", "13800138000", "安徽省合肥市蜀山区黄山路100号", "230000"):
        await answer(db, HOLDER, value)
    history = await archive_of(db, HOLDER)
    [registration] = history.registrations
    assert (registration.status, registration.occupation) == ("approved", "电工")
    assert [(a.attempt_no, a.score) for a in registration.attempts] == [(1, 95)]
    assert history.seat is not None and history.seat.checked_in_at is not None
    assert [(e.score, e.passed) for e in history.exam] == [(93, True)]
    assert history.certificate is not None
    assert (history.certificate.number, history.certificate.mail_status) == (number, "requested")


async def test_a_newcomer_has_an_empty_archive(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 1002, "李四", plan, score=None)
    history = await archive_of(db, TelegramIdentity(1002))
    assert len(history.registrations) == 1 and history.registrations[0].attempts == ()
    assert (history.seat, history.exam, history.certificate) == (None, (), None)
    empty = await archive_of(db, TelegramIdentity(1003))
    assert empty.registrations == ()
