"""Two bot processes in webhook mode on one PostgreSQL; the leader is SIGKILLed mid-run and restarted.

The emulator spreads webhook deliveries over both processes in turn (bench.cluster). 200 candidates chat at
once: a few fill in 个人信息 and register in the bot, more register on a profile seeded for them, most go
straight to the quiz on seeded study credit (a three-question paper: the steps matter here, not the length),
and a few start the quiz on a one-minute plan and let the time run out. Mid-run a plan's dates move so that
a registration deadline notice is due, staff broadcast to everyone, and while that broadcast is being sent
the scheduler's leader is killed, then started again. Afterwards the database, the emulator and the
surviving process's /metrics must agree that nothing acknowledged was lost and nothing applied twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time

import pytest
from sqlalchemy import select, update

from bench.cluster import BotCluster, ClusterBot
from bench.journey import Acknowledged, Journey, ReplyLost, whole_journey
from bench.load import LoadResult, emulator
from bench.seed import (
    REGISTRATION_PLAN,
    SHANGHAI,
    STAFF_ID,
    Seeded,
    add_quiz_plan,
    approve_with_study,
    broadcast_to_all,
    fill_profiles,
    seed,
)
from core.db import Database
from core.db.models import Plan, utcnow
from core.notices.broadcast import QUIZ_RESULT_KIND, Queued
from core.notices.schedule import NOTICE_TIME
from core.rules import Blueprint, BlueprintItem, QuestionType
from core.texts import t
from emulator import BotApiEmulator
from tests.multiproc import records
from tests.multiproc.records import Samples, eventually, scrape, total

pytestmark = pytest.mark.slow

CANDIDATES = 200
FULL = 6  # 个人信息, registration and quiz, all in the bot
REGISTERING = 24  # registration and quiz on a seeded profile
TIMING_OUT = 6  # start the quiz on a one-minute plan and stop answering
PAPER = Blueprint(
    (
        BlueprintItem(QuestionType.SINGLE, "政策法规与职业道德", 1, 40),
        BlueprintItem(QuestionType.MULTIPLE, "考评要点、方法和技巧", 1, 30),
        BlueprintItem(QuestionType.TRUE_FALSE, "政策法规与职业道德", 1, 30),
    )
)
BROADCAST = "【通知】线下培训安排已发布，请在机器人中查看。"
KILL_AFTER_UPDATES = 700  # about a third of the run's updates answered
KILL_AT_SENT = 0.25  # of the broadcast
DOWN_FOR = 2.0  # seconds before the killed process is started again
STEP_TIMEOUT = 45.0  # a step unanswered this long fails the journey


@dataclass(frozen=True)
class Groups:
    """Who does what, and the seeded plans."""

    full: list[int]
    registering: list[int]
    quiz_only: list[int]
    timing_out: list[int]
    seeded: Seeded
    registration_plan: int


@dataclass
class Run:
    """What happened during the run, as the test saw it."""

    acknowledged: Acknowledged
    journeys: list[Journey]
    outcomes: list[BaseException | None]
    broadcast: Queued
    notice_key: str
    killed_pid: int
    in_flight: Counter[int]
    leader_before: Samples
    survivor_before: Samples
    survivor_after: Samples
    restarted_after: Samples
    seconds: float


async def prepare(url: str) -> Groups:
    """Seed plans, candidates and their starting points; the timing-out few on a one-minute plan."""
    seeded = await seed(url, CANDIDATES, paper=PAPER)
    ids = seeded.telegram_ids
    full, registering = ids[:FULL], ids[FULL : FULL + REGISTERING]
    quiz_only, timing_out = ids[FULL + REGISTERING : -TIMING_OUT], ids[-TIMING_OUT:]
    db = Database(url)
    try:
        await fill_profiles(db, ids[FULL:])
        await approve_with_study(db, seeded, quiz_only)
        short, modules = await add_quiz_plan(db, "2026100000000003", paper=PAPER, time_limit_minutes=1)
        await approve_with_study(db, Seeded(timing_out, short, modules), timing_out)
        async with db.uow() as uow:
            plan_id = await uow.session.scalar(select(Plan.id).where(Plan.plan_no == REGISTRATION_PLAN))
        assert plan_id is not None
    finally:
        await db.dispose()
    return Groups(full, registering, quiz_only, timing_out, seeded, plan_id)


async def make_deadline_notice_due(db: Database, plan_id: int) -> str:
    """Move the registration window's end so its 1-day reminder is due now; return that notice's key.

    Before 09:00 local the reminder for a window ending today fired yesterday (and its deadline is tonight);
    from 09:00 the one for a window ending tomorrow fired this morning. Either way it is due, not stale.
    """
    now = utcnow().astimezone(SHANGHAI)
    today = now.date()
    last_day: date = today + timedelta(days=1) if now.time() >= NOTICE_TIME else today
    if datetime.combine(last_day + timedelta(days=1), clock_time(0), SHANGHAI) - now < timedelta(minutes=10):
        last_day += timedelta(days=1)  # never a deadline that passes during the run
    async with db.uow() as uow:
        await uow.session.execute(update(Plan).where(Plan.id == plan_id).values(registration_end=last_day))
        await uow.commit()
    return f"reg:{plan_id}:{last_day.isoformat()}:1"


async def run_failover(emu: BotApiEmulator, cluster: BotCluster, db: Database, groups: Groups) -> Run:
    """Every journey at once; meanwhile make a notice due, broadcast, kill the leader and restart it."""
    leader, survivor = cluster.bots
    acknowledged, result = Acknowledged(), LoadResult()
    crowd = emu.make_started_users(groups.seeded.telegram_ids, "张三")
    emu.user(STAFF_ID, "工作人员", started=True)  # the broadcast to all reaches staff too, and its report
    journeys = {
        u.id: Journey(u, result, acknowledged, timeout=STEP_TIMEOUT, stop_when_reply_lost=True) for u in crowd
    }

    async def approve(telegram_id: int) -> None:
        await approve_with_study(db, groups.seeded, [telegram_id])

    async def one(telegram_id: int) -> None:
        journey = journeys[telegram_id]
        if telegram_id in groups.full:
            await whole_journey(journey, approve)
        elif telegram_id in groups.registering:
            await journey.registration()
            await approve(telegram_id)
            await journey.quiz()
        elif telegram_id in groups.timing_out:
            await journey.let_time_run_out(0, within=150.0)
        else:
            await journey.quiz()

    killed: dict[str, object] = {}

    async def kill_the_leader_mid_run() -> None:
        await eventually(lambda: result.updates >= KILL_AFTER_UPDATES, within=150, what="the run got going")
        killed["notice_key"] = await make_deadline_notice_due(db, groups.registration_plan)
        queued = await broadcast_to_all(db, BROADCAST)
        killed["broadcast"] = queued

        async def broadcast_under_way() -> bool:
            return await records.sent_of(db, queued.notice_id) >= queued.recipients * KILL_AT_SENT

        await eventually(broadcast_under_way, within=60, what="the broadcast got under way")

        async def leader_sending() -> bool:  # kill it with rows on the wire, the case that can repeat
            return sum((await records.in_flight_of(db, leader.pid)).values()) > 0

        await eventually(leader_sending, within=30, what="the leader held broadcast rows")
        killed["leader_before"] = await scrape(leader.web_url)
        killed["survivor_before"] = await scrape(survivor.web_url)
        killed["pid"] = leader.pid
        await leader.kill()
        killed["in_flight"] = await records.in_flight_of(db, leader.pid)
        print(f"\nkilled the leader at {time.perf_counter() - began:.0f} s, {result.updates} updates in")
        await asyncio.sleep(DOWN_FOR)
        await leader.start()

    began = time.perf_counter()
    killing = asyncio.create_task(kill_the_leader_mid_run())
    outcomes = await asyncio.gather(*(one(t) for t in journeys), return_exceptions=True)
    await killing
    print(f"journeys done at {time.perf_counter() - began:.0f} s")
    acknowledged.repeated = sum(j.repeated for j in journeys.values())
    acknowledged.restart_notes = sum(j.restart_notes for j in journeys.values())
    acknowledged.repeated_after = {j.user.id: j.repeated_after for j in journeys.values()}

    async def outbox_empty() -> bool:  # rows the dead process held come back once their lease lapses
        return await records.outbox_unfinished(db) == 0

    await eventually(outbox_empty, within=90, what="the outbox drained")
    await eventually(
        lambda: emu.updates.webhook_info()["pending_update_count"] == 0,
        within=30,
        what="every update was acknowledged",
    )
    seconds = time.perf_counter() - began

    async def survivor_counted() -> bool:  # counts follow the 200; wait for the last to be counted
        counted = total(await scrape(survivor.web_url), "examiner_updates_total")
        return counted >= emu.webhook.delivered_by_target[survivor.webhook_url]

    await eventually(survivor_counted, within=10, what="the survivor counted what it acknowledged")
    return Run(
        acknowledged,
        list(journeys.values()),
        [o if isinstance(o, BaseException) else None for o in outcomes],
        killed["broadcast"],  # type: ignore[arg-type]
        str(killed["notice_key"]),
        int(killed["pid"]),  # type: ignore[call-overload]
        killed["in_flight"],  # type: ignore[arg-type]
        killed["leader_before"],  # type: ignore[arg-type]
        killed["survivor_before"],  # type: ignore[arg-type]
        await scrape(survivor.web_url),
        await scrape(leader.web_url),
        seconds,
    )


async def test_two_webhook_processes_lose_and_double_nothing_when_the_leader_is_killed_mid_run(
    database_url: str, database_backend: str
) -> None:
    if database_backend != "postgresql":
        pytest.skip("several bot processes share a database on PostgreSQL only: the PostgreSQL leg runs this")
    groups = await prepare(database_url)
    db = Database(database_url)
    try:
        async with emulator() as emu:
            cluster = BotCluster(emu, database_url, 2)
            await cluster.start()
            try:
                run = await run_failover(emu, cluster, db, groups)
            finally:
                await cluster.stop()
            await check(emu, cluster.bots, db, groups, run)
    finally:
        await db.dispose()


async def check(emu: BotApiEmulator, bots: list[ClusterBot], db: Database, groups: Groups, run: Run) -> None:
    """Everything the issue asks of a kill, from the database, the emulator and the survivor's /metrics."""
    survivor = bots[1]
    users = [emu.users[t] for t in groups.seeded.telegram_ids]
    failures = {j.user.id: o for j, o in zip(run.journeys, run.outcomes, strict=True) if o is not None}
    print(
        f"\nrun: {run.seconds:.0f} s, {sum(1 for _ in emu.webhook.delivered)} updates acknowledged "
        f"({' / '.join(str(emu.webhook.delivered_by_target[b.webhook_url]) for b in bots)} by process), "
        f"{run.acknowledged.restart_notes} restart notes, {run.acknowledged.repeated} steps repeated, "
        f"{len(failures)} journeys stopped where the kill took a reply; in flight at the kill: "
        f"{dict(run.in_flight)}"
    )
    for failure in list(failures.values())[:12]:
        print(f"  {type(failure).__name__}: {str(failure)[:400]}")
    # a journey may stop only where the kill took the answer to a step it had applied, as the bot then says
    # (ReplyLost); those are among the updates in hand at the kill, which the emulator had to send again
    unexplained = {tid: f for tid, f in failures.items() if not isinstance(f, ReplyLost)}
    assert unexplained == {}
    redelivered = sum(1 for d in emu.webhook.delivered if d.tries > 1)
    assert len(failures) <= redelivered

    # no acknowledged answer is lost, and each is the option pressed
    stored = await records.stored_answers(db)
    lost = {
        tid: sorted(positions - set(stored.get(tid, {})))
        for tid, positions in run.acknowledged.answers.items()
        if positions - set(stored.get(tid, {}))
    }
    assert lost == {}
    assert all(stored[tid][p] == [0] for tid, ps in run.acknowledged.answers.items() for p in ps)

    # no update applied twice: one record per acknowledged update, and no effect made twice
    acked = [d.update["update_id"] for d in emu.webhook.delivered]
    processed = await records.processed_update_ids(db)
    assert len(set(acked)) == len(acked)
    assert sorted(processed) == sorted(acked)
    registered = await records.registrations(db, groups.registration_plan)
    for tid in [*groups.full, *groups.registering]:
        if tid not in failures:
            assert registered[tid] == [("submitted", 1)], tid
    assert all(len(regs) == 1 and regs[0][1] <= 1 for regs in registered.values())
    twice = {u.id: records.replies_twice_in_a_row(u, run_journey(run, u.id).repeated_after) for u in users}
    assert {tid: n for tid, n in twice.items() if n} == {}

    # nobody has more than 2 attempts; whoever handed in has exactly the one
    tried = await records.attempts(db)
    assert max((len(a) for a in tried.values()), default=0) <= 2
    for tid in run.acknowledged.handed_in:
        assert tried[tid] == [("submitted", groups.seeded.quiz_plan_id)], tid

    # every scheduled notice and every time-limit hand-in fired once
    all_notices = await records.notices(db)
    rows = await records.outbox_rows(db)
    by_key = {key: (nid, kind, status) for nid, (key, kind, status) in all_notices.items()}
    assert by_key[run.notice_key][2] == "issued"
    due_notice = by_key[run.notice_key][0]
    scheduled = [nid for nid, (_, kind, _) in all_notices.items() if kind not in ("broadcast", "report")]
    duplicates: Counter[int] = Counter()
    for nid in [*scheduled, run.broadcast.notice_id]:
        mine = [r for r in rows if r.notice_id == nid]
        assert len({r.chat_id for r in mine}) == len(mine), f"notice {nid} queued twice for someone"
        assert [r for r in mine if r.status != "sent"] == []
        for r in mine:
            got = sum(1 for m in emu.users[r.chat_id].messages if m.content == r.text)
            assert got >= 1, f"notice {nid} never reached {r.chat_id}"
            duplicates[nid] += got - 1
        assert duplicates[nid] <= run.in_flight[nid], (nid, duplicates[nid], run.in_flight[nid])
    due_rows = [r for r in rows if r.notice_id == due_notice]
    assert len(due_rows) >= CANDIDATES - FULL - REGISTERING  # everyone not yet registered, at least
    closing = Counter(u.id for u in users for m in u.messages if m.content.startswith("【报名即将截止】"))
    assert set(closing) == {r.chat_id for r in due_rows}
    # a hand-in's result goes through the outbox with the hand-in (checked above with the other notices)
    timed_out = [tid for tid, tries in tried.items() if any(status == "timed_out" for status, _ in tries)]
    assert sorted(timed_out) == sorted(set(groups.timing_out) - set(failures))
    results = [nid for nid, (_, kind, _) in all_notices.items() if kind == QUIZ_RESULT_KIND]
    assert len(results) == len(timed_out)
    for tid in timed_out:
        assert tried[tid] == [("timed_out", tried[tid][0][1])], tid
        handed_in = [m for m in emu.users[tid].messages if m.content.startswith(t("quiz.result_timed_out"))]
        assert 1 <= len(handed_in) <= 1 + sum(run.in_flight[nid] for nid in results), (tid, len(handed_in))

    # the broadcast reached everyone, repeated only where the kill left rows in flight
    broadcast_rows = [r for r in rows if r.notice_id == run.broadcast.notice_id]
    assert len(broadcast_rows) == run.broadcast.recipients
    print(
        f"broadcast to {run.broadcast.recipients}: {duplicates[run.broadcast.notice_id]} repeated "
        f"(rows in flight at the kill: {run.in_flight[run.broadcast.notice_id]}); deadline notice to "
        f"{len(due_rows)}: {duplicates[due_notice]} repeated (in flight {run.in_flight[due_notice]})"
    )

    # the survivor's /metrics count what it did: every update it acknowledged, and it took over
    before, after = run.survivor_before, run.survivor_after
    mine_delivered = [d for d in emu.webhook.delivered if d.target == survivor.webhook_url]
    assert total(after, "examiner_updates_total") == len(mine_delivered)
    assert total(after, "examiner_updates_total", result="error") == 0
    assert total(after, "examiner_errors_total") == 0
    retried = sum(1 for d in mine_delivered if d.tries > 1)
    assert total(after, "examiner_updates_total", result="duplicate") <= retried
    presses = [d for d in mine_delivered if _data(d.update).startswith("qz:")]
    first_time = sum(1 for d in presses if d.tries == 1)
    assert first_time <= total(after, "examiner_updates_total", handler="quiz.chat.on_press") <= len(presses)
    assert total(run.leader_before, "examiner_scheduler_leader") == 1
    assert total(before, "examiner_scheduler_leader") == 0
    assert total(after, "examiner_scheduler_leader") == 1
    assert total(run.restarted_after, "examiner_scheduler_leader") == 0
    sent_rows = sum(1 for r in rows if r.status == "sent")
    by_survivors = total(after, "examiner_outbox_sends_total", result="sent") + total(
        run.restarted_after, "examiner_outbox_sends_total", result="sent"
    )
    assert 0 < total(after, "examiner_outbox_sends_total", result="sent")
    assert by_survivors <= sent_rows
    before_kill = total(run.leader_before, "examiner_outbox_sends_total", result="sent")
    assert by_survivors + before_kill <= sent_rows + sum(run.in_flight.values())
    assert total(after, "examiner_outbox_pending") == 0
    assert total(after, "examiner_telegram_rate_limited_total") == 0


def run_journey(run: Run, telegram_id: int) -> Journey:
    return next(j for j in run.journeys if j.user.id == telegram_id)


def _data(update: dict[str, object]) -> str:
    query = update.get("callback_query")
    return str(query.get("data") or "") if isinstance(query, dict) else ""
