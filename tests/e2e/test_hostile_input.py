"""Hostile text to every dialog step and every command taking an argument, as candidate, liaison and staff.

Each send gets a reply, none is the generic "system problem" apology, and a refusal leaves the database as it
was. A lone surrogate travels as the JSON escape the emulator writes for it (UTF-8 cannot carry one; a real
client never sends one), the most hostile form a JSON peer could deliver.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from core.db import Database
from core.db.models import Base, Dialog, User
from core.texts import t
from emulator import BotApiEmulator, BotMessage, EmulatedUser
from tests.e2e import offline_factories
from tests.e2e.factories import (
    make_candidate,
    make_institution,
    make_liaison,
    make_plan,
    message_containing,
    resident_id_for,
)
from tests.e2e.harness import TOKEN, BotHarness
from tests.e2e.profile_steps import RESIDENT, answer, open_profile, pick
from tests.e2e.test_certificate_journey import said
from tests.e2e.test_mailing_and_archive import certify_directly
from tests.e2e.test_plans_bot import window

pytestmark = pytest.mark.slow

CATEGORIES: dict[str, list[str]] = {
    "control": ["张\x00三", "\x07\x1b[31m红色\x1b[0m"],
    "zero-width": ["S0000\u200b34000001233", "\ufeff张三"],
    "bidi": ["合肥\u202e市蜀山区", "\u2066abc\u2069"],
    "surrogates": ["张\ud800三"],
    "4096 characters": ["电" * 4096],
    "markup": ['<b>粗体</b> *强调* _斜体_ [链接](http://example.com) &amp; <a href="x">'],
    "sql": ["'; DROP TABLE users; --"],
    "formulas": ['=HYPERLINK("http://evil.example","点我")', "@SUM(A1:A9)"],
    "huge numbers": ["9" * 40, "18446744073709551616"],
    "negative numbers": ["-1"],
    "empty": [" \u3000 "],
}
# the categories the one normaliser must refuse wherever they are typed
ALWAYS_REFUSED = frozenset({"control", "zero-width", "bidi", "surrogates"})
CORPUS = [(category, text) for category, texts in CATEGORIES.items() for text in texts]
SHORT_CORPUS = [(category, texts[0]) for category, texts in CATEGORIES.items()]
# what a candidate or liaison sends to staff-only commands: each refusal path once, not every category
ROLE_CATEGORIES = ("control", "surrogates", "4096 characters", "markup", "huge numbers")
ROLE_CORPUS = [(category, CATEGORIES[category][0]) for category in ROLE_CATEGORIES]
COMMANDS = (
    "absent",
    "addstaff",
    "audit",
    "batch_assign",
    "checkin",
    "checkin_open",
    "mail_sent",
    "privacy",
    "removestaff",
    "result",
    "revoke",
    "start",
    "verify",
)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The e2e emulator, with a per-chat burst that holds a whole corpus: hundreds of replies to one chat."""
    emu = BotApiEmulator(
        token=TOKEN, bot_username="examiner_test_bot", per_chat_burst=5000, webhook_retry_base=0.05
    )
    await emu.start(host="127.0.0.1", port=0)
    yield emu
    await emu.stop()


# per-update and send-rate bookkeeping, which every message moves whatever it says
SKIPPED_TABLES = frozenset({"processed_updates", "send_budgets"})
SKIPPED_COLUMNS = frozenset({"updated_at"})


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (less the per-update bookkeeping), to compare before and after a refusal."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with db.uow() as uow:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in SKIPPED_COLUMNS]
            result = await uow.session.execute(select(*columns))
            rows[table.name] = sorted((tuple(r) for r in result.all()), key=repr)
    return rows


async def dialog_of(db: Database, telegram_id: int) -> tuple[int, Dialog | None]:
    async with db.uow() as uow:
        user_id = await uow.session.scalar(select(User.id).where(User.telegram_id == telegram_id))
        assert user_id is not None
        dialog = await uow.session.get(Dialog, user_id)
        if dialog is not None:
            uow.session.expunge(dialog)
        return user_id, dialog


async def restore_dialog(db: Database, user_id: int, dialog: Dialog | None) -> None:
    """Put the user back on the step they were on, after an answer the step accepted."""
    async with db.uow() as uow:
        await uow.session.execute(delete(Dialog).where(Dialog.user_id == user_id))
        if dialog is not None:
            uow.session.add(Dialog(user_id=user_id, flow=dialog.flow, step=dialog.step, data=dialog.data))
        await uow.commit()


async def replies_to(user: EmulatedUser, text: str) -> list[BotMessage]:
    """Send and collect what the bot says: at least one message, then whatever follows at once."""
    await user.send_text(text)
    first = await user.next_message()
    return [first, *(e.message for e in user.drain() if e.message is not None)]


async def settle(user: EmulatedUser, quiet: float = 0.1) -> list[BotMessage]:
    """Wait until the bot has said everything (some answers are two messages) and collect the rest."""
    rest: list[BotMessage] = []
    while True:
        await asyncio.sleep(quiet)
        drained = [e.message for e in user.drain() if e.message is not None]
        if not drained:
            return rest
        rest.extend(drained)


def assert_answered(messages: list[BotMessage], what: str, *, some: bool = True) -> None:
    generic = t("common.internal_error")
    assert messages or not some, what
    assert all(generic not in m.content for m in messages), (what, [m.content for m in messages])


def _state(dialog: Dialog | None) -> tuple[str, str, dict[str, Any]] | None:
    return None if dialog is None else (dialog.flow, dialog.step, dialog.data)


async def hostile_step(user: EmulatedUser, db: Database, step: str, corpus: list[tuple[str, str]]) -> None:
    """Every text of the corpus at one dialog step: the always-refused ones name the characters and leave the
    whole database as it was; any other text the step accepts is undone by putting the dialog back."""
    user_id, dialog = await dialog_of(db, user.id)
    refused = [(c, text) for c, text in corpus if c in ALWAYS_REFUSED]
    before = await snapshot(db)
    for category, text in refused:
        messages = await replies_to(user, text)
        assert_answered(messages, f"{step}: {category}")
        assert "U+" in messages[0].content, (step, category, messages[0].content)
    assert await snapshot(db) == before, f"{step}: a refused text changed the database"
    for category, text in corpus:
        if category in ALWAYS_REFUSED:
            continue
        assert_answered(await replies_to(user, text), f"{step}: {category}")
        if _state((await dialog_of(db, user.id))[1]) != _state(dialog):
            assert_answered(await settle(user), f"{step}: {category}, what followed", some=False)
            await restore_dialog(db, user_id, dialog)


async def hostile_commands(user: EmulatedUser, db: Database, corpus: list[tuple[str, str]]) -> None:
    """Every command that takes an argument, bare and with each text: answered, and nothing in the database
    changes but a dialog a bare command opens (/privacy asks for a name), closed again after each command."""
    user_id, dialog = await dialog_of(db, user.id)
    for command in COMMANDS:
        before = await snapshot(db)
        for category, text in [("empty", ""), *corpus]:
            typed = f"/{command} {text}".rstrip()[:4096]
            assert_answered(await replies_to(user, typed), f"/{command}: {category}")
        assert_answered(await settle(user), f"/{command}: what followed", some=False)
        await restore_dialog(db, user_id, dialog)
        assert await snapshot(db) == before, f"/{command} with hostile arguments changed the database"


async def test_staff_commands_and_dialogs_survive_hostile_text(bot: BotHarness, db: Database) -> None:
    staff = bot.staff()
    await staff.send_command("/start")
    await staff.next_message()
    await hostile_commands(staff, db, SHORT_CORPUS)
    assert_answered(await settle(staff, quiet=0.5), "late answers to the commands", some=False)
    await staff.send_command("/plans")
    await staff.next_message()
    await staff.press("新建考评计划")
    await message_containing(staff, "第 1 步")
    for step, good in (
        ("plan_no", "2026120000000019"),
        ("name", "技能人才评价考评员培训"),
        ("occupations", "电工、焊工"),
        ("registration", window(-3, 14)),
    ):
        await hostile_step(staff, db, f"plan {step}", CORPUS)
        await staff.send_text(good)
        await staff.next_message()
    await staff.send_command("/cancel")
    await staff.next_message()
    await staff.send_command("/broadcast")
    assert "请发送通知内容" in (await staff.next_message()).text
    await hostile_step(staff, db, "broadcast text", CORPUS)


async def test_candidate_profile_steps_and_commands_survive_hostile_text(
    bot: BotHarness, db: Database
) -> None:
    await make_institution(db)
    user = bot.user(6101, "张三")
    await open_profile(user)
    question = await pick(user, RESIDENT)
    for step, good in (
        ("id_number", resident_id_for(61, 1061)),
        ("name", "张三"),
    ):
        await hostile_step(user, db, f"profile {step}", CORPUS)
        question = await answer(user, good)
    assert "学历" in question.content
    question = await pick(user, "大学本科")
    for step, good in (("mobile", "13812345678"), ("email", "c61@example.com"), ("postcode", "230001")):
        await hostile_step(user, db, f"profile {step}", CORPUS)
        question = await answer(user, good)
    await pick(user, "省直")
    await pick(user, "企业职工")
    await hostile_step(user, db, "profile address", CORPUS)
    await answer(user, "合肥市蜀山区长江西路 100 号")
    await user.press("选好了")
    await user.next_message()
    await hostile_step(user, db, "profile institution search", CORPUS)
    await user.press("跳过")
    await user.next_message()
    await hostile_step(user, db, "profile work start", CORPUS)
    await user.send_command("/cancel")
    await settle(user)
    await hostile_commands(user, db, ROLE_CORPUS)


async def test_a_liaison_gets_answers_to_hostile_text_and_commands(bot: BotHarness, db: Database) -> None:
    await make_liaison(db, 6201, await make_institution(db))
    liaison = bot.user(6201, "联络人")
    await liaison.send_command("/start")
    await liaison.next_message()
    for category, text in SHORT_CORPUS:
        assert_answered(await replies_to(liaison, text), f"liaison free text: {category}")
    await hostile_commands(liaison, db, ROLE_CORPUS)


async def test_the_review_reason_and_the_batch_dialog_survive_hostile_text(
    bot: BotHarness, db: Database
) -> None:
    await make_candidate(db, 6301, await make_institution(db), name="孙丽", with_photo=False)
    await offline_factories.make_plan(db)
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("审核队列")
    item = await message_containing(staff, "待审核报名")
    await staff.press("❌ 不通过", message_id=item.message_id)
    await staff.press("自己填写原因", message_id=(await staff.next_message()).message_id)
    assert "请直接发送不通过的原因" in (await staff.next_message()).content
    await hostile_step(staff, db, "review reason", CORPUS)
    await staff.send_command("/cancel")
    await settle(staff)
    await staff.send_command("/batch_new")
    menu = await staff.next_message()
    await staff.press(next(b for b in menu.buttons if b.startswith(offline_factories.PLAN_NO)))
    assert "请输入培训日期" in (await staff.next_message()).content
    day = (datetime.now(offline_factories.TZ).date() + timedelta(days=3)).isoformat()
    for step, good in (("day", day), ("time", "9:30"), ("place", "合肥市黄山路100号"), ("capacity", "40")):
        await hostile_step(staff, db, f"batch {step}", CORPUS)
        await staff.send_text(good)
        await staff.next_message()


async def test_the_certificate_steps_of_a_registration_survive_hostile_text(
    bot: BotHarness, db: Database
) -> None:
    await make_plan(db, "2020120000000019")
    await make_candidate(db, 6401, await make_institution(db), status="draft")
    user = bot.user(6401, "考生")
    await user.send_text("我的报名")
    await user.next_message()
    await user.next_message()
    await user.press("添加证书")
    await user.next_message()
    await user.press("专业技术职务（职称）")
    await user.next_message()
    await hostile_step(user, db, "certificate field", CORPUS)
    await user.send_text("电气工程")
    await user.next_message()
    await user.press("中级")
    await user.next_message()
    for step, good in (
        ("number", "GC-2016-001"),
        ("issuer", "安徽省人力资源和社会保障厅"),
        ("date", "2016-06-01"),
    ):
        await hostile_step(user, db, f"certificate {step}", CORPUS)
        await user.send_text(good)
        await user.next_message()


FORGED_NUMBERS = ("9" * 40, str(2**63), "²", "-1")
STAFF_BUTTONS = (
    "bn:p:{n}",
    "imp:p:{n}",
    "lia:r:{n}",
    "ntc:ack:{n}",
    "pl:v:{n}",
    "pl:e:{n}:name",
    "rvx:p:{n}",
    "seal:ok:{n}",
    "stf:il:{n}",
    "stf:inst:{n}",
    "stf:q:{n}",
    "stf:ros:{n}:all",
    "stf:rx:{n}:all",
    "bc:r:{n}",
)
CANDIDATE_BUTTONS = (
    "reg:plan:{n}",
    "reg:occ:{n}:{n}",
    "prof:inst:{n}",
    "st:o:{n}",
    "qz:{n}:1:1:a1",
    "rs:{n}",
)


async def forged_presses(user: EmulatedUser, db: Database, patterns: tuple[str, ...]) -> None:
    """Buttons nobody was shown, carrying numbers no button holds: answered, never the apology, no change."""
    await user.send_command("/start")
    message = await user.next_message()
    await settle(user)
    before = await snapshot(db)
    generic = t("common.internal_error")
    for pattern in patterns:
        for number in FORGED_NUMBERS:
            data = pattern.format(n=number)
            answer = await user.press_data(data, message.message_id)
            assert answer is not None, data
            assert generic[:20] not in (answer.text or ""), data
        assert_answered(await settle(user), f"{pattern}: what followed", some=False)
    assert await snapshot(db) == before


async def test_forged_buttons_with_out_of_range_numbers_get_an_answer(bot: BotHarness, db: Database) -> None:
    await forged_presses(bot.staff(), db, STAFF_BUTTONS)
    await make_candidate(db, 6501, await make_institution(db), status="draft")
    await forged_presses(bot.user(6501, "考生"), db, CANDIDATE_BUTTONS)


async def test_the_postal_form_survives_hostile_text(
    bot: BotHarness, database_url: str, db: Database
) -> None:
    holder = bot.user(1001, "李四")
    await holder.send_command("/start")
    await holder.next_message()
    await certify_directly(database_url)
    await holder.press("证书查看")
    await holder.next_message()
    await holder.press("申请邮寄纸质证书")
    await said(holder, "收件人姓名")
    for step, good, asks_next in (
        ("recipient", "李四", "手机"),
        ("mobile", "13800138000", "收件地址"),
        ("address", "安徽省合肥市蜀山区黄山路100号", "邮政编码"),
        ("postcode", "230000", "已提交"),
    ):
        await hostile_step(holder, db, f"mail {step}", CORPUS)
        await holder.send_text(good)
        await said(holder, asks_next)
