"""Every privileged command and button against every role, through the emulator: the server decides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import AuditEntry, Invitation, StaffMember
from emulator import EmulatedUser
from tests.e2e.factories import make_candidate, make_institution, make_liaison, registration_status
from tests.e2e.harness import BotHarness

CANDIDATE, LIAISON = 9001, 9002
NOT_STAFF = "仅限鉴定中心工作人员"
NOT_LIAISON = "仅限机构联络人"

STAFF_COMMANDS = [
    "/staff",
    "/audit",
    "/addstaff 9009 某人",
    "/removestaff 9009",
    "/stafflist",
    "/seal",
    "/review_export",
]
# callback data with {reg} and {inst} filled per test; the order puts the deciding button last
STAFF_BUTTONS = [
    "stf:desk",
    "stf:q:0",
    "stf:inst:0",
    "stf:cert",
    "stf:inv:0",
    "stf:il:{inst}",
    "stf:ic:{inst}",
    "stf:ros:all:all",
    "stf:ros:{inst}:submitted",
    "stf:rx:all:all",
    "stf:rfi:all",
    "stf:rfs:all",
    "stf:aud",
    "stf:imp:institutions",
    "stf:imp:certificates",
    "stf:no:{reg}:1",
    "stf:rt:{reg}:1",
    "stf:rj:{reg}:1:1",
    "rvx:plans",
    "stf:ok:{reg}:1",
]
LIAISON_BUTTONS = ["lia:r:{inst}", "lia:x:{inst}"]


@pytest.fixture
async def world(bot: BotHarness, database_url: str) -> dict[str, int]:
    db = Database(database_url)
    try:
        inst = await make_institution(db, name="本机构")
        other = await make_institution(db, name="其他机构")
        candidate = await make_candidate(db, CANDIDATE, inst, name="考生甲")
        await make_liaison(db, LIAISON, inst)
    finally:
        await db.dispose()
    assert candidate.registration_id
    return {"inst": inst, "other": other, "reg": candidate.registration_id}


async def anchor(user: EmulatedUser) -> int:
    """A bot message in the user's chat to attach forged button presses to."""
    await user.send_command("/help")
    return (await user.next_message()).message_id


async def nothing_changed(database_url: str, registration_id: int) -> None:
    db = Database(database_url)
    try:
        assert (await registration_status(db, registration_id))[0] == "submitted"
        async with db.uow() as uow:
            for model in (StaffMember, Invitation, AuditEntry):
                assert await uow.session.scalar(select(func.count()).select_from(model)) == 0, model
    finally:
        await db.dispose()


@pytest.mark.parametrize("role", ["candidate", "liaison"])
async def test_staff_commands_are_refused_to_non_staff(
    bot: BotHarness, world: dict[str, int], database_url: str, role: str
) -> None:
    user = bot.user(CANDIDATE if role == "candidate" else LIAISON)
    for command in STAFF_COMMANDS:
        name, _, payload = command.partition(" ")
        await user.send_command(name, payload or None)
        assert NOT_STAFF in (await user.next_message()).content, command
    await nothing_changed(database_url, world["reg"])


@pytest.mark.parametrize("role", ["candidate", "liaison"])
async def test_staff_buttons_are_refused_to_non_staff_even_when_forged(
    bot: BotHarness, world: dict[str, int], database_url: str, role: str
) -> None:
    user = bot.user(CANDIDATE if role == "candidate" else LIAISON)
    message_id = await anchor(user)
    for pattern in STAFF_BUTTONS:
        data = pattern.format(**world)
        answer = await user.press_data(data, message_id)
        assert answer is not None and answer.show_alert and NOT_STAFF in (answer.text or ""), data
    await user.expect_silence(0.2)
    await nothing_changed(database_url, world["reg"])


async def test_liaison_buttons_are_refused_to_candidates(bot: BotHarness, world: dict[str, int]) -> None:
    user = bot.user(CANDIDATE)
    message_id = await anchor(user)
    for pattern in LIAISON_BUTTONS:
        answer = await user.press_data(pattern.format(**world), message_id)
        assert answer is not None and NOT_LIAISON in (answer.text or "")
    await user.send_command("/roster")
    assert NOT_LIAISON in (await user.next_message()).content


async def test_a_liaison_cannot_ask_for_another_institutions_people(
    bot: BotHarness, world: dict[str, int]
) -> None:
    user = bot.user(LIAISON)
    message_id = await anchor(user)
    for pattern in LIAISON_BUTTONS:
        answer = await user.press_data(pattern.format(inst=world["other"]), message_id)
        assert answer is not None and "只能查看本机构" in (answer.text or "")
    await user.expect_silence(0.2)
    answer = await user.press_data(f"lia:r:{world['inst']}", message_id)
    assert answer is not None and not answer.show_alert
    assert "花名册：本机构" in (await user.next_message()).content


async def test_staff_may_press_every_staff_button(
    bot: BotHarness, world: dict[str, int], database_url: str
) -> None:
    staff = bot.staff()
    message_id = await anchor(staff)
    for pattern in STAFF_BUTTONS:
        data = pattern.format(**world)
        answer = await staff.press_data(data, message_id)
        assert answer is not None and answer.answered, data
        assert NOT_STAFF not in (answer.text or "") and "失效" not in (answer.text or ""), (data, answer)
        staff.drain()
    db = Database(database_url)
    try:
        status, reason, _ = await registration_status(db, world["reg"])
    finally:
        await db.dispose()
    assert status == "rejected" and reason  # the preset rejection won; the later approval met a conflict


async def test_staff_commands_work_for_staff(bot: BotHarness, world: dict[str, int]) -> None:
    staff = bot.staff()
    for command in STAFF_COMMANDS:
        name, _, payload = command.partition(" ")
        await staff.send_command(name, payload or None)
        assert NOT_STAFF not in (await staff.next_message()).content, command


@pytest.mark.parametrize(
    "data", ["stf:ok:abc:1", "stf:q:", "stf:rj:1:1:99", "stf:ros:x:y", "lia:r:", "stf:imp:nope"]
)
async def test_malformed_buttons_are_answered_and_change_nothing(
    bot: BotHarness, world: dict[str, int], database_url: str, data: str
) -> None:
    staff = bot.staff()
    message_id = await anchor(staff)
    answer = await staff.press_data(data, message_id)
    assert answer is not None and answer.answered and answer.text, data
    db = Database(database_url)
    try:
        assert (await registration_status(db, world["reg"]))[0] == "submitted"
    finally:
        await db.dispose()


async def test_the_roster_command_and_liaison_buttons_by_role(bot: BotHarness, world: dict[str, int]) -> None:
    expected = {CANDIDATE: NOT_LIAISON, LIAISON: "花名册：本机构", 900001: "花名册：全部机构"}
    for telegram_id, needle in expected.items():
        user = bot.user(telegram_id)
        await user.send_command("/roster")
        assert needle in (await user.next_message()).content, telegram_id
    staff = bot.staff()
    message_id = await anchor(staff)
    for pattern in LIAISON_BUTTONS:
        answer = await staff.press_data(pattern.format(**world), message_id)
        assert answer is not None and NOT_LIAISON in (answer.text or "")
