"""The profile service on a real database: answers saved at once, bad input saves nothing, resume, lock."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from core.db import Database, dialogs
from core.db.models import Profile, Registration, User
from core.errors import Conflict, DomainError, InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from core.profile import service as profile
from core.profile.identity import make_resident_id
from tests.e2e.factories import make_candidate

TODAY = date(2026, 7, 31)
PHONE = "18155118665"


def who(n: int) -> TelegramIdentity:
    return TelegramIdentity(n, f"用户{n}")


async def opened(db: Database, n: int) -> None:
    """Open 个人信息 and agree to the notice and the sensitive information, as a candidate does first."""
    assert (await profile.open_profile(db, who(n))).step == "consent_general"
    assert (await profile.agree(db, who(n), "general")).step == "consent_sensitive"
    assert (await profile.agree(db, who(n), "sensitive")).step == "id_type"


async def at_id_number(db: Database, n: int) -> None:
    await opened(db, n)
    await profile.choose(db, who(n), "id_type", 0, PHONE)


async def row(db: Database, n: int) -> Profile:
    async with db.uow() as uow:
        found = await uow.session.scalar(
            select(Profile).join(User, User.id == Profile.user_id).where(User.telegram_id == n)
        )
        assert found is not None
        uow.session.expunge(found)
    return found


async def test_a_resident_id_is_saved_at_once_and_gives_birth_date_and_gender(db: Database) -> None:
    await at_id_number(db, 1)
    number = make_resident_id("340104", date(1985, 6, 15), 124)
    screen = await profile.answer_text(db, who(1), number.lower(), TODAY, PHONE)
    assert screen.saved == "id_number" and screen.step == "name"
    saved = await row(db, 1)
    assert (saved.id_number, saved.birth_date, saved.gender) == (number, date(1985, 6, 15), "女")


async def test_invalid_input_changes_nothing(db: Database) -> None:
    await at_id_number(db, 2)
    with pytest.raises(InvalidInput) as refused:
        await profile.answer_text(db, who(2), "340104198506151230", TODAY, PHONE)
    assert refused.value.key == "identity.invalid_checksum"
    saved = await row(db, 2)
    assert saved.id_number is None
    async with db.uow() as uow:
        state = await dialogs.load(uow.session, saved.user_id)
    assert state is not None and state.step == "id_number"


async def test_an_id_number_belongs_to_one_account_even_when_two_race(db: Database) -> None:
    await at_id_number(db, 3)
    await at_id_number(db, 4)
    number = make_resident_id(seq=333)
    results = await asyncio.gather(
        profile.answer_text(db, who(3), number, TODAY, PHONE),
        profile.answer_text(db, who(4), number, TODAY, PHONE),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict) and refused[0].key == "profile.id_taken"
    with pytest.raises(Conflict):
        await at_id_number(db, 5)
        await profile.answer_text(db, who(5), number, TODAY, PHONE)


async def test_a_region_other_than_the_province_is_refused_with_the_tech_phone(db: Database) -> None:
    await opened(db, 6)
    await profile.edit(db, who(6), "region")
    with pytest.raises(NotAllowed) as refused:
        await profile.choose(db, who(6), "region", 1, PHONE)
    assert refused.value.params == {"region": "合肥市", "phone": PHONE}
    assert (await row(db, 6)).region is None


async def test_coming_back_resumes_at_the_first_missing_field(db: Database) -> None:
    await at_id_number(db, 7)
    await profile.answer_text(db, who(7), make_resident_id(seq=777), TODAY, PHONE)
    async with db.uow() as uow:
        await dialogs.clear(uow.session, (await row(db, 7)).user_id)
        await uow.commit()
    screen = await profile.open_profile(db, who(7))
    assert screen.step == "name" and screen.resumed


async def test_derived_fields_cannot_be_edited_and_buttons_must_match_the_open_step(db: Database) -> None:
    await at_id_number(db, 8)
    await profile.answer_text(db, who(8), make_resident_id(seq=888), TODAY, PHONE)
    with pytest.raises(InvalidInput, match=r"profile\.derived_field"):
        await profile.edit(db, who(8), "gender")
    with pytest.raises(InvalidInput, match=r"common\.stale_button"):
        await profile.choose(db, who(8), "education", 0, PHONE)


async def test_after_approval_changes_go_through_staff(db: Database) -> None:
    await make_candidate(db, 9, None, status="approved")
    screen = await profile.open_profile(db, who(9))
    assert screen.step == "summary" and screen.view.locked
    with pytest.raises(NotAllowed, match=r"profile\.locked"):
        await profile.edit(db, who(9), "mobile")
    async with db.uow() as uow:
        assert await uow.session.scalar(select(Registration.status)) == "approved"


async def test_confirming_needs_every_required_field(db: Database) -> None:
    await opened(db, 10)
    with pytest.raises(InvalidInput) as refused:
        await profile.confirm(db, who(10))
    assert "证件类型" in refused.value.params["fields"]


async def test_a_new_id_type_from_the_summary_asks_for_the_number_again(db: Database) -> None:
    await make_candidate(db, 11, None, status=None)
    await profile.edit(db, who(11), "id_type")
    screen = await profile.choose(db, who(11), "id_type", 1, PHONE)
    assert screen.step == "id_number" and screen.editing
    screen = await profile.answer_text(db, who(11), "E12345678", TODAY, PHONE)
    assert screen.step == "summary" and screen.view.values["id_number"] == "E12345678"
    with pytest.raises(InvalidInput, match=r"profile\.use_summary_buttons"):
        await profile.answer_text(db, who(11), "好的", TODAY, PHONE)
