"""Consent to the 个人信息处理告知: nothing personal is stored without it, and a new version asks again."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.db import Database, dialogs
from core.db.models import Consent, Photo, Profile, User
from core.errors import NotAllowed
from core.people.users import TelegramIdentity
from core.profile import photos
from core.profile import service as profile
from core.profile.consent import NOTICE_VERSION
from core.profile.identity import make_resident_id
from tests.e2e.factories import make_candidate
from tests.e2e.profile_steps import jpeg

TODAY = date(2026, 7, 31)
PHONE = "18155118665"


def who(n: int) -> TelegramIdentity:
    return TelegramIdentity(n, f"用户{n}")


async def stored(db: Database, n: int) -> tuple[dict[str, object], int, list[tuple[str, str]]]:
    """The person's profile columns that hold anything, photos held, and agreements recorded."""
    async with db.uow() as uow:
        user_id = await uow.session.scalar(select(User.id).where(User.telegram_id == n))
        row = await uow.session.scalar(select(Profile).where(Profile.user_id == user_id))
        skip = {"id", "user_id", "created_at", "updated_at", "identity_flags"}
        values = {c: getattr(row, c) for c in Profile.__table__.columns.keys() if c not in skip and row}
        held = {k: v for k, v in values.items() if v is not None}
        photos_held = len((await uow.session.scalars(select(Photo.id).where(Photo.user_id == user_id))).all())
        agreed = await uow.session.execute(
            select(Consent.kind, Consent.version).where(Consent.user_id == user_id).order_by(Consent.id)
        )
        return held, photos_held, [(k, v) for k, v in agreed.all()]


async def test_without_consent_nothing_personal_is_stored_and_the_person_is_told_why(db: Database) -> None:
    screen = await profile.open_profile(db, who(1))
    assert screen.step == "consent_general"
    for attempt in (
        profile.answer_text(db, who(1), make_resident_id(seq=1), TODAY, PHONE),
        profile.choose(db, who(1), "id_type", 0, PHONE),
        photos.upload(db, who(1), jpeg(), None),
    ):
        with pytest.raises(NotAllowed) as refused:
            await attempt
        assert refused.value.key == "privacy.consent.needed"
    declined = await profile.agree(db, who(1), None)
    assert declined.step == "consent_declined"
    assert await stored(db, 1) == ({}, 0, [])
    async with db.uow() as uow:
        user_id = await uow.session.scalar(select(User.id).where(User.telegram_id == 1))
        assert user_id is not None and await dialogs.load(uow.session, user_id) is None


async def test_the_general_agreement_alone_does_not_open_the_id_number(db: Database) -> None:
    await profile.open_profile(db, who(2))
    assert (await profile.agree(db, who(2), "general")).step == "consent_sensitive"
    with pytest.raises(NotAllowed, match=r"privacy\.consent\.needed"):
        await profile.choose(db, who(2), "id_type", 0, PHONE)
    assert await stored(db, 2) == ({}, 0, [("general", NOTICE_VERSION)])


async def test_both_agreements_are_recorded_with_version_and_time_then_answers_save(db: Database) -> None:
    before = datetime.now(UTC)
    await profile.open_profile(db, who(3))
    await profile.agree(db, who(3), "general")
    assert (await profile.agree(db, who(3), "sensitive")).step == "id_type"
    await profile.choose(db, who(3), "id_type", 0, PHONE)
    await profile.answer_text(db, who(3), make_resident_id(seq=3), TODAY, PHONE)
    held, _, agreed = await stored(db, 3)
    assert held["id_number"] == make_resident_id(seq=3)
    assert agreed == [("general", NOTICE_VERSION), ("sensitive", NOTICE_VERSION)]
    async with db.uow() as uow:
        times = list(await uow.session.scalars(select(Consent.agreed_at)))
    assert all(t >= before.replace(microsecond=0) for t in times)


async def test_a_new_notice_version_asks_again_before_anything_more_is_stored(db: Database) -> None:
    me = await make_candidate(db, 4, None, status=None)
    async with db.uow() as uow:
        await uow.session.execute(Consent.__table__.update().values(version="2020-01-01"))
        await uow.commit()
    screen = await profile.open_profile(db, who(4))
    assert screen.step == "consent_general"
    with pytest.raises(NotAllowed, match=r"privacy\.consent\.needed"):
        await profile.answer_text(db, who(4), "13900000000", TODAY, PHONE)
    await profile.agree(db, who(4), "general")
    assert (await profile.agree(db, who(4), "sensitive")).step == "summary"
    held, _, agreed = await stored(db, 4)
    assert held["mobile"] == me.mobile
    assert [v for _, v in agreed] == ["2020-01-01", "2020-01-01", NOTICE_VERSION, NOTICE_VERSION]
