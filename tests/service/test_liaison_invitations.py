"""Invitations: single-use liaison links replace the old liaison; candidate links pre-fill the employer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db import Database
from core.db.models import Invitation, Liaison, Profile, User, utcnow
from core.errors import Conflict, NotAllowed, NotFound
from core.people import liaisons
from core.people.users import TelegramIdentity
from tests.e2e.factories import make_candidate, make_institution

STAFF = TelegramIdentity(900001, "工作人员")
STAFF_IDS = frozenset({900001})


async def liaison_of(db: Database, institution_id: int) -> int | None:
    async with db.uow() as uow:
        return await uow.session.scalar(
            select(User.telegram_id)
            .join(Liaison, Liaison.user_id == User.id)
            .where(Liaison.institution_id == institution_id)
        )


async def test_an_invitation_binds_the_opener_and_cannot_be_reused(db: Database) -> None:
    institution = await make_institution(db, name="中国电信股份有限公司安徽分公司")
    invitation = await liaisons.create_invitation(db, STAFF, STAFF_IDS, institution, "liaison")
    prefix, code = invitation.payload.split("_", 1)
    assert prefix == "inv" and len(code) >= 16 and len(invitation.payload) <= 64
    bound = await liaisons.accept_liaison_invitation(db, TelegramIdentity(4001, "李联络"), invitation.payload)
    assert (bound.institution, bound.replaced_telegram_id) == ("中国电信股份有限公司安徽分公司", None)
    with pytest.raises(Conflict) as caught:
        await liaisons.accept_liaison_invitation(db, TelegramIdentity(4002, "王某"), invitation.payload)
    assert caught.value.key == "liaison.invite.used"
    assert await liaison_of(db, institution) == 4001


async def test_a_new_liaison_replaces_the_old_one(db: Database) -> None:
    institution = await make_institution(db)
    first = await liaisons.create_invitation(db, STAFF, STAFF_IDS, institution, "liaison")
    second = await liaisons.create_invitation(db, STAFF, STAFF_IDS, institution, "liaison")
    await liaisons.accept_liaison_invitation(db, TelegramIdentity(4101, "旧联络人"), first.payload)
    bound = await liaisons.accept_liaison_invitation(db, TelegramIdentity(4102, "新联络人"), second.payload)
    assert bound.replaced_telegram_id == 4101
    assert await liaison_of(db, institution) == 4102


async def test_expired_and_unknown_codes_change_nothing(db: Database) -> None:
    institution = await make_institution(db)
    invitation = await liaisons.create_invitation(db, STAFF, STAFF_IDS, institution, "liaison")
    async with db.uow() as uow:
        await uow.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
        await uow.commit()
    with pytest.raises(Conflict) as caught:
        await liaisons.accept_liaison_invitation(db, TelegramIdentity(4201), invitation.payload)
    assert caught.value.key == "liaison.invite.expired"
    with pytest.raises(NotFound):
        await liaisons.accept_liaison_invitation(db, TelegramIdentity(4201), "inv_0123456789abcdef0123")
    assert await liaison_of(db, institution) is None


async def test_only_staff_create_invitations(db: Database) -> None:
    institution = await make_institution(db)
    with pytest.raises(NotAllowed):
        await liaisons.create_invitation(db, TelegramIdentity(4301), STAFF_IDS, institution, "liaison")


async def test_a_candidate_link_is_reusable_and_prefills_the_employer(db: Database) -> None:
    institution = await make_institution(db, name="安徽省建筑业协会")
    link = await liaisons.create_invitation(db, STAFF, STAFF_IDS, institution, "candidate")
    assert link.payload.startswith("join_")
    for telegram_id in (4401, 4402):
        employer = await liaisons.accept_candidate_invitation(db, TelegramIdentity(telegram_id), link.payload)
        assert employer.institution == "安徽省建筑业协会"
    async with db.uow() as uow:
        employers = (await uow.session.scalars(select(Profile.institution_id))).all()
    assert employers == [institution, institution]


async def test_a_submitted_candidate_cannot_switch_employer_by_link(db: Database) -> None:
    mine = await make_institution(db)
    other = await make_institution(db)
    await make_candidate(db, 4501, mine)
    link = await liaisons.create_invitation(db, STAFF, STAFF_IDS, other, "candidate")
    with pytest.raises(NotAllowed):
        await liaisons.accept_candidate_invitation(db, TelegramIdentity(4501), link.payload)
    async with db.uow() as uow:
        assert await uow.session.scalar(select(Profile.institution_id)) == mine
