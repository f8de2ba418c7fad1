"""Broadcasts are numbered per sender, so staff never meet the outbox's internal ids."""

from __future__ import annotations

from datetime import UTC, datetime

from core.db import Database
from core.db.models import StaffMember
from core.notices import broadcast
from core.notices import reports as broadcast_reports
from core.notices.audiences import Audience
from core.people.users import TelegramIdentity
from tests.service.test_broadcast import ALICE, BOB, STAFF, draft
from tests.service.test_notices import seed_programme


async def _send(db: Database, who: TelegramIdentity, text: str) -> None:
    await draft(db, who, text, Audience("all"))
    await broadcast.confirm(db, who, STAFF, datetime.now(UTC))


async def test_each_sender_counts_their_own_notices(db: Database) -> None:
    await seed_programme(db)
    async with db.uow() as uow:
        uow.session.add(StaffMember(telegram_id=ALICE.telegram_id, name="钱审核"))
        await uow.commit()
    await _send(db, ALICE, "一")
    await _send(db, BOB, "二")
    await _send(db, ALICE, "三")
    reports = await broadcast_reports.recent(db, ALICE, STAFF)
    numbered = {(r.text, r.sender, r.number) for r in reports}
    assert ("一", "钱审核", 1) in numbered and ("三", "钱审核", 2) in numbered
    assert any(text == "二" and number == 1 and sender != "钱审核" for text, sender, number in numbered)
    third = next(r for r in reports if r.text == "三")
    assert broadcast_reports.report_text(third).startswith("钱审核发送的第 2 条通知 送达情况")
