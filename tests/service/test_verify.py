"""Verification: valid or revoked at once, the name partly masked; forged numbers never reach the database."""

from __future__ import annotations

import pytest

from core.certificates.numbers import CROCKFORD
from core.certificates.service import mask_name, revoke, verify
from core.db import Database
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import STAFF, STAFF_IDS
from tests.service.test_certificates import certified


def forged(number: str) -> str:
    """The same number with its check character changed, as someone editing a certificate might."""
    last = number[-1]
    return number[:-1] + next(c for c in CROCKFORD if c != last)


class NoDatabase:
    """A database that fails the test if anything asks it for a session."""

    def uow(self) -> object:
        raise AssertionError("the database was consulted for a number the check character rejects")


async def test_a_valid_certificate_is_shown_with_the_name_partly_masked(db: Database) -> None:
    [number] = await certified(db, ("欧阳明月",))
    result = await verify(db, number.lower().replace("-", " "))
    assert (result.status, result.masked_name, result.number) == ("valid", "欧**月", number)
    assert result.levels == ("五级/初级工", "四级/中级工", "三级/高级工")


async def test_a_forged_number_is_rejected_by_its_check_character_before_any_lookup(db: Database) -> None:
    [number] = await certified(db)
    with pytest.raises(InvalidInput) as caught:
        await verify(NoDatabase(), forged(number))  # type: ignore[arg-type]
    assert caught.value.key == "certs.verify.malformed"
    with pytest.raises(InvalidInput):
        await verify(NoDatabase(), "KPY-2026-0000")  # type: ignore[arg-type]


async def test_a_well_formed_number_never_issued_is_unknown(db: Database) -> None:
    from core.certificates.numbers import new_certificate_number

    await certified(db)
    with pytest.raises(NotFound):
        await verify(db, new_certificate_number(2026))


async def test_a_revoked_certificate_says_so_at_once_with_the_reason(db: Database) -> None:
    [number] = await certified(db)
    done = await revoke(db, STAFF, STAFF_IDS, number, "申报材料不实")
    assert done.holder_telegram_id == 1001
    result = await verify(db, number)
    assert (result.status, result.revoke_reason) == ("revoked", "申报材料不实")
    assert result.revoked_at is not None
    with pytest.raises(Conflict):
        await revoke(db, STAFF, STAFF_IDS, number, "再次撤销")


async def test_only_staff_revoke_and_a_reason_is_required(db: Database) -> None:
    [number] = await certified(db)
    with pytest.raises(NotAllowed):
        await revoke(db, TelegramIdentity(1001), STAFF_IDS, number, "自己撤销")
    with pytest.raises(InvalidInput):
        await revoke(db, STAFF, STAFF_IDS, number, " ")
    assert (await verify(db, number)).status == "valid"


def test_names_are_masked_but_recognisable() -> None:
    assert [mask_name(n) for n in ("张三", "欧阳明月", "王𠮷", "李")] == ["张*", "欧**月", "王*", "*"]
