"""/batch_new is a dialog: plan by button, then date, time, place and capacity typed, each bad value answered
with what to type and nothing saved; it survives a restart and creates the batch only when confirmed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.db import Database
from core.db.models import Batch
from tests.e2e.batch_steps import new_batch_by_dialog, reply_to
from tests.e2e.harness import BotHarness
from tests.e2e.offline_factories import PLAN_NO, TZ, make_plan


async def _batches(database_url: str) -> int:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(Batch)) or 0)
    finally:
        await db.dispose()


async def _plan(database_url: str) -> None:
    db = Database(database_url)
    try:
        await make_plan(db)
    finally:
        await db.dispose()


async def test_every_bad_value_says_what_to_type_and_a_restart_keeps_the_step(
    bot: BotHarness, database_url: str
) -> None:
    await _plan(database_url)
    staff = bot.staff()
    await staff.send_command("/batch_new")
    menu = await staff.next_message()
    assert "请输入" not in await reply_to(staff, "2026-09-05")
    await staff.press(next(b for b in menu.buttons if b.startswith(PLAN_NO)))
    assert "请输入培训日期" in ((await staff.next_message()).text or "")
    assert "请按 2026-09-05 的格式填写培训日期" in await reply_to(staff, "下周一")
    assert "已经过去了" in await reply_to(staff, "2020-01-01")
    day = (datetime.now(TZ).date() + timedelta(days=3)).isoformat()
    assert "请输入开始时间" in await reply_to(staff, day)
    assert "请按 09:00 的格式填写开始时间" in await reply_to(staff, "25:00")
    await bot.restart()
    assert "请输入培训地点" in await reply_to(staff, "9:30")
    assert "请输入培训地点" not in await reply_to(staff, "合")
    assert "请输入本批次可容纳的人数" in await reply_to(staff, "合肥市黄山路100号")
    assert "1 到 500 之间的整数" in await reply_to(staff, "0")
    assert "1 到 500 之间的整数" in await reply_to(staff, "很多")
    summary = await reply_to(staff, "40")
    assert "09:30" in summary and "合肥市黄山路100号" in summary and "容量：40 人" in summary
    assert await _batches(database_url) == 0
    await staff.press("放弃")
    assert "没有创建批次" in ((await staff.next_message()).text or "")
    assert await _batches(database_url) == 0


async def test_a_confirmed_dialog_creates_the_batch_and_batches_lists_it(
    bot: BotHarness, database_url: str
) -> None:
    await _plan(database_url)
    staff = bot.staff()
    day = (datetime.now(TZ).date() + timedelta(days=5)).isoformat()
    done = await new_batch_by_dialog(staff, PLAN_NO, day, "08:30", "合肥市蜀山区培训楼", 25)
    assert "已创建线下培训批次 #" in done and "第1期线下培训" in done
    assert await _batches(database_url) == 1
    await staff.send_command("/batches")
    assert "合肥市蜀山区培训楼｜已安排 0/25 人" in ((await staff.next_message()).text or "")
