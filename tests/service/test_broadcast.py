"""Staff broadcasts: limits refused before queuing, audiences counted, drafts per staff member, reports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.db.models import Notice, OutboxMessage
from core.errors import Conflict, InvalidInput, NotAllowed
from core.notices import broadcast, outbox
from core.notices import reports as broadcast_reports
from core.notices.audiences import Audience
from core.people.users import TelegramIdentity
from tests.service.test_notices import seed_programme

STAFF = frozenset({9001, 9002})
ALICE = TelegramIdentity(9001, "甲")
BOB = TelegramIdentity(9002, "乙")
NOW = datetime(2026, 8, 1, 2, tzinfo=UTC)


async def draft(db: Database, who: TelegramIdentity, text: str, audience: Audience) -> broadcast.Preview:
    await broadcast.start(db, who, STAFF)
    await broadcast.compose(db, who, STAFF, text)
    return await broadcast.choose_audience(db, who, STAFF, audience)


async def test_only_staff_may_broadcast(db: Database) -> None:
    with pytest.raises(NotAllowed):
        await broadcast.start(db, TelegramIdentity(1001, "考生"), STAFF)


async def test_a_text_over_telegrams_limit_is_refused_before_anything_is_queued(db: Database) -> None:
    await broadcast.start(db, ALICE, STAFF)
    with pytest.raises(InvalidInput) as refused:
        await broadcast.compose(db, ALICE, STAFF, "字" * 4097)
    assert refused.value.key == "notices.broadcast.too_long" and refused.value.params["length"] == 4097
    await broadcast.compose(db, ALICE, STAFF, "字" * 4096)


async def test_a_caption_over_1024_or_a_document_over_20mb_is_refused(db: Database) -> None:
    await broadcast.start(db, ALICE, STAFF)
    with pytest.raises(InvalidInput) as caption:
        await broadcast.compose(db, ALICE, STAFF, "说" * 1025, ("file-id", "安排.pdf", 1000))
    assert caption.value.key == "notices.broadcast.caption_too_long"
    with pytest.raises(InvalidInput) as large:
        await broadcast.compose(db, ALICE, STAFF, "安排", ("file-id", "安排.pdf", 21 * 1024 * 1024))
    assert large.value.key == "notices.broadcast.document_too_large"
    await broadcast.compose(db, ALICE, STAFF, "安排", ("file-id", "安排.pdf", 1000))


async def test_each_audience_counts_the_right_people(db: Database) -> None:
    ids = await seed_programme(db)
    assert (
        await draft(db, ALICE, "通知", Audience("all"))
    ).recipients == 10 + 1  # ten seeded plus the sender
    assert (await draft(db, ALICE, "通知", Audience("liaisons"))).recipients == 2
    assert (await draft(db, ALICE, "通知", Audience("plan", str(ids["plan"])))).recipients == 6
    # institution 1 holds draft, submitted, approved_done, profile_only, and its liaison
    assert (await draft(db, ALICE, "通知", Audience("institution", str(ids["inst1"])))).recipients == 5
    assert (await draft(db, ALICE, "通知", Audience("stage", "approved"))).recipients == 2
    assert (await draft(db, ALICE, "通知", Audience("stage", "no_registration"))).recipients == 1
    with pytest.raises(InvalidInput):
        await draft(db, ALICE, "通知", Audience("stage", "nonsense"))


async def test_two_staff_compose_and_confirm_independently(db: Database) -> None:
    await seed_programme(db)
    await broadcast.start(db, ALICE, STAFF)
    await broadcast.start(db, BOB, STAFF)
    await broadcast.compose(db, ALICE, STAFF, "甲的通知")
    await broadcast.compose(db, BOB, STAFF, "乙的通知")
    await broadcast.choose_audience(db, BOB, STAFF, Audience("liaisons"))
    await broadcast.choose_audience(db, ALICE, STAFF, Audience("all"))
    bob = await broadcast.confirm(db, BOB, STAFF, NOW)
    alice = await broadcast.confirm(db, ALICE, STAFF, NOW)
    assert (alice.recipients, bob.recipients) == (12, 2)
    async with db.uow() as uow:
        texts = dict((await uow.session.execute(select(Notice.id, Notice.text))).all())
    assert texts[alice.notice_id] == "甲的通知" and texts[bob.notice_id] == "乙的通知"
    with pytest.raises(Conflict):
        await broadcast.confirm(db, ALICE, STAFF, NOW)


async def test_the_sender_gets_a_report_once_delivery_has_finished(db: Database) -> None:
    await seed_programme(db)
    await draft(db, ALICE, "通知", Audience("liaisons"))
    queued = await broadcast.confirm(db, ALICE, STAFF, NOW)
    claimed = await outbox.claim(db, NOW, 10)
    assert len(claimed) == 2
    await outbox.record(db, [(claimed[0], outbox.Sent(11))], NOW)
    assert await broadcast_reports.queue_reports(db, {queued.notice_id}) == 0
    await outbox.record(db, [(claimed[1], outbox.Undeliverable("403 blocked", blocked=True))], NOW)
    assert await broadcast_reports.queue_reports(db, {queued.notice_id}) == 1
    assert await broadcast_reports.queue_reports(db, {queued.notice_id}) == 0
    report = await broadcast_reports.report(db, ALICE, STAFF, queued.notice_id)
    assert (report.total, report.sent, report.undeliverable, report.pending) == (2, 1, 1, 0)
    assert report.ack_expected == 2 and len(report.not_acked) == 2
    async with db.uow() as uow:
        text = await uow.session.scalar(
            select(OutboxMessage.text).join(Notice).where(Notice.key == f"report:{queued.notice_id}")
        )
    assert text is not None and "已送达 1" in text and "无法送达 1" in text


async def test_outbox_rows_are_claimed_once_and_a_dead_process_leaves_them_for_resending(
    db: Database,
) -> None:
    await seed_programme(db)
    await draft(db, ALICE, "通知", Audience("all"))
    await broadcast.confirm(db, ALICE, STAFF, NOW)
    first = await outbox.claim(db, NOW, 5)
    second = await outbox.claim(db, NOW, 100)
    assert len(first) == 5 and len(second) == 6 and not {i.id for i in first} & {i.id for i in second}
    await outbox.release(db, second)
    await outbox.record(db, [(item, outbox.Sent(1)) for item in first[:3]], NOW)
    assert await outbox.recover_interrupted(db) == 2
    again = await outbox.claim(db, NOW, 100)
    assert len(again) == 8 and {i.id for i in first[3:]} <= {i.id for i in again}
    async with db.uow() as uow:
        sent = await uow.session.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
    assert sent == 3


async def test_a_transient_failure_is_retried_later_and_given_up_after_five_attempts(db: Database) -> None:
    await seed_programme(db)
    await draft(db, ALICE, "通知", Audience("liaisons"))
    await broadcast.confirm(db, ALICE, STAFF, NOW)
    item = (await outbox.claim(db, NOW, 1))[0]
    await outbox.record(db, [(item, outbox.Failed("network"))], NOW)
    assert [i.id for i in await outbox.claim(db, NOW, 10)] != [item.id]
    for attempt in range(2, 6):
        later = datetime(2026, 8, 2, attempt, tzinfo=UTC)
        retry = [i for i in await outbox.claim(db, later, 10) if i.id == item.id]
        assert retry and retry[0].attempts == attempt
        await outbox.record(db, [(retry[0], outbox.Failed("network"))], later)
    async with db.uow() as uow:
        status = await uow.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == item.id))
    assert status == "undeliverable"
