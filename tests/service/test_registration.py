"""The registration services on a real database: window, eligibility at once, statuses, the registry check."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.db import Database
from core.db.models import KnownCertificate, Registration
from core.errors import InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.registration import qualifications as registration_certs
from core.registration import service as registration
from tests.e2e.factories import make_candidate, make_institution, make_plan

TZ = ZoneInfo("Asia/Shanghai")
PHONE = "18155118665"
PDF = b"%PDF-1.4\n%%EOF\n"


def who(n: int) -> TelegramIdentity:
    return TelegramIdentity(n, "考生")


def now() -> datetime:
    return datetime.now(UTC)


async def enter(
    db: Database, n: int, registration_id: int, number: str, kind: int = 0
) -> registration_certs.CertPrompt:
    await registration_certs.start_certificate(db, who(n), registration_id)
    await registration_certs.choose(db, who(n), "kind", kind)
    if kind == 0:
        await registration_certs.choose(db, who(n), "field", 0)
    else:
        await registration_certs.answer_text(db, who(n), "电气工程", date.today())
    await registration_certs.choose(db, who(n), "level", 0)
    await registration_certs.answer_text(db, who(n), number, date.today())
    await registration_certs.answer_text(db, who(n), "安徽省职业技能鉴定中心", date.today())
    return await registration_certs.answer_text(db, who(n), "2015-06-01", date.today())


async def test_an_incomplete_profile_is_sent_to_the_profile_first(db: Database) -> None:
    plan_id = await make_plan(db)
    home = await registration.home(db, who(1), now(), TZ, PHONE)
    assert home.profile_missing[0] == "id_type" and home.registrations == ()
    with pytest.raises(NotAllowed, match=r"registration\.profile_first_short"):
        await registration.register(db, who(1), plan_id, 0, now(), TZ, PHONE)


async def test_registering_after_the_window_is_refused_with_its_dates(db: Database) -> None:
    plan_id = await make_plan(db, today=date.today() - timedelta(days=40))
    await make_candidate(db, 2, await make_institution(db), status=None)
    with pytest.raises(NotAllowed) as refused:
        await registration.register(db, who(2), plan_id, 0, now(), TZ, PHONE)
    assert refused.value.key == "rules.unmet.registration_closed"
    assert refused.value.params["end"] == date.today() - timedelta(days=26)


async def test_submission_lists_every_unmet_condition_then_succeeds(db: Database) -> None:
    plan_id = await make_plan(db)
    await make_candidate(db, 3, await make_institution(db), status=None)
    view = await registration.register(db, who(3), plan_id, 0, now(), TZ, PHONE)
    assert {u.code for u in view.unmet} == {"qualification", "pledge"}
    with pytest.raises(NotAllowed) as refused:
        await registration.submit(db, who(3), view.id, now(), TZ, PHONE)
    assert refused.value.params["count"] == 2
    prompt = await enter(db, 3, view.id, "S-0001")
    assert prompt.step == "proof"
    await registration_certs.add_proof(db, who(3), PDF, "file-1", "scan.pdf")
    await registration.confirm_pledge(db, who(3), view.id, now(), TZ, PHONE)
    submitted = await registration.submit(db, who(3), view.id, now(), TZ, PHONE)
    assert submitted.status == "submitted" and submitted.next_step == "registration.next.submitted"
    with pytest.raises(NotAllowed, match=r"rules\.status\.cannot_submit"):
        await registration.submit(db, who(3), view.id, now(), TZ, PHONE)


async def test_a_rejected_registration_is_resubmitted(db: Database) -> None:
    me = await make_candidate(db, 4, await make_institution(db), status="rejected")
    assert me.registration_id is not None
    view = await registration.submit(db, who(4), me.registration_id, now(), TZ, PHONE)
    assert view.status == "resubmitted" and view.status_label == "重新提交待审核"
    async with db.uow() as uow:
        row = await uow.session.get(Registration, me.registration_id)
        assert row is not None and row.resubmitted


async def test_a_registry_certificate_is_verified_without_upload(db: Database) -> None:
    plan_id = await make_plan(db)
    me = await make_candidate(db, 5, await make_institution(db), status=None)
    async with db.uow() as uow:
        uow.session.add(
            KnownCertificate(
                name=me.name,
                id_number=me.id_number,
                number="S2015777",
                occupation="电工",
                level="三级/高级工",
            )
        )
        await uow.commit()
    view = await registration.register(db, who(5), plan_id, 0, now(), TZ, PHONE)
    prompt = await enter(db, 5, view.id, "s2015777")
    assert prompt.step == "done" and prompt.verified
    other = await enter(db, 5, view.id, "S2015778")
    assert other.step == "proof" and not other.verified


async def test_proofs_are_checked_by_content_and_limited_to_five(db: Database) -> None:
    plan_id = await make_plan(db)
    await make_candidate(db, 6, await make_institution(db), status=None)
    view = await registration.register(db, who(6), plan_id, 0, now(), TZ, PHONE)
    await enter(db, 6, view.id, "S-0006", kind=1)
    with pytest.raises(InvalidInput, match=r"photos\.proof_not_allowed"):
        await registration_certs.add_proof(db, who(6), b"PK\x03\x04 a zip", "f", "scan.pdf")
    for n in range(5):
        await registration_certs.add_proof(db, who(6), PDF, f"f{n}", "scan.pdf")
    with pytest.raises(InvalidInput, match=r"registration\.proof_limit"):
        await registration_certs.add_proof(db, who(6), PDF, "f6", "scan.pdf")
    shown = await registration.show(db, who(6), view.id, now(), TZ, PHONE)
    assert [len(c.proofs) for c in shown.certificates] == [5]


async def test_staff_can_read_a_registration_as_the_candidate_sees_it(db: Database) -> None:
    me = await make_candidate(db, 7, await make_institution(db), status="submitted")
    assert me.registration_id is not None
    view = await registration.registration_for_review(db, me.registration_id, now(), TZ)
    assert view is not None and view.status_label == "待审核" and len(view.certificates) == 1
    assert await registration.registration_for_review(db, 999, now(), TZ) is None
