"""Roles are found on the server; staff manage staff; every change lands in the audit log."""

from __future__ import annotations

import pytest

from core.db import Database
from core.errors import Conflict, NotAllowed, NotFound
from core.people import roles
from core.people.users import Role, TelegramIdentity
from core.review import desk
from core.review import service as review
from tests.e2e.factories import make_candidate, make_institution, make_liaison

STAFF = TelegramIdentity(900001, "工作人员")
STAFF_IDS = frozenset({900001})


async def test_roles_are_staff_then_liaison_then_candidate(db: Database) -> None:
    institution = await make_institution(db)
    await make_liaison(db, 6001, institution)
    assert (await roles.role_of(db, STAFF, STAFF_IDS)).role is Role.STAFF
    liaison = await roles.role_of(db, TelegramIdentity(6001), STAFF_IDS)
    assert (liaison.role, liaison.institution_id) == (Role.LIAISON, institution)
    assert (await roles.role_of(db, TelegramIdentity(6002), STAFF_IDS)).role is Role.CANDIDATE


async def test_staff_add_and_remove_staff_but_not_configured_ones_or_themselves(db: Database) -> None:
    added = TelegramIdentity(6101, "新同事")
    with pytest.raises(NotAllowed):
        await desk.open_desk(db, added, STAFF_IDS)
    await roles.add_staff(db, STAFF, STAFF_IDS, 6101, "新同事")
    assert (await desk.open_desk(db, added, STAFF_IDS)).waiting == 0
    with pytest.raises(Conflict):
        await roles.add_staff(db, STAFF, STAFF_IDS, 6101, "新同事")
    with pytest.raises(NotAllowed):
        await roles.remove_staff(db, added, STAFF_IDS, 900001)
    with pytest.raises(NotAllowed):
        await roles.remove_staff(db, added, STAFF_IDS, 6101)
    await roles.remove_staff(db, STAFF, STAFF_IDS, 6101)
    with pytest.raises(NotFound):
        await roles.remove_staff(db, STAFF, STAFF_IDS, 6101)
    with pytest.raises(NotAllowed):
        await desk.open_desk(db, added, STAFF_IDS)


async def test_non_staff_cannot_manage_staff(db: Database) -> None:
    with pytest.raises(NotAllowed):
        await roles.add_staff(db, TelegramIdentity(6201), STAFF_IDS, 6201, "我自己")
    with pytest.raises(NotAllowed):
        await desk.audit_log(db, TelegramIdentity(6201), STAFF_IDS)


async def test_the_audit_log_lists_recent_entries_and_filters_by_candidate(db: Database) -> None:
    institution = await make_institution(db)
    one = await make_candidate(db, 6301, institution, name="赵一")
    two = await make_candidate(db, 6302, institution, name="钱二")
    assert one.registration_id and two.registration_id
    await review.approve(db, STAFF, STAFF_IDS, one.registration_id, 1)
    await review.reject(db, STAFF, STAFF_IDS, two.registration_id, 1, "材料不全，请补充")
    await roles.add_staff(db, STAFF, STAFF_IDS, 6303, "孙三")
    recent = await desk.audit_log(db, STAFF, STAFF_IDS)
    assert [line.action for line in recent] == ["staff.add", "registration.reject", "registration.approve"]
    assert recent[1].before == {"status": "submitted", "reject_reason": None}
    assert recent[1].actor == "工作人员"
    for query in ("钱二", two.id_number, "6302"):
        about_two = await desk.audit_log(db, STAFF, STAFF_IDS, query)
        assert [line.action for line in about_two] == ["registration.reject"], query
        assert about_two[0].candidate == "钱二"
