"""The journey with the bot SIGKILLed at random moments and restarted; then count what went wrong.

    python -m bench.bench_crash [CANDIDATES] [sqlite|postgresql] [KILLS]

Telegram (here the emulator) redelivers every update the bot had not confirmed, so a kill can make the bot
apply an update twice; a staff notice queued at the start is delivered by the bot's outbox worker meanwhile.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import sys
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from bench.dbs import fresh_database
from bench.journey import TIMEOUT, Acknowledged, Journey, whole_journey
from bench.load import BotProcess, LoadResult, emulator
from bench.seed import approve_with_study, broadcast_to_all, seed
from core.db import Database
from core.db.models import AttemptItem, QuizAttempt, Registration, User
from core.texts import t
from emulator import BotApiEmulator, EmulatedUser

NOTICE = "【通知】线下培训安排已发布，请在机器人中查看。"
SAVED = t("profile.saved", label="", value="").split("「", 1)[0]  # 已保存


@dataclass(frozen=True)
class CrashCounts:
    """What the kills cost."""

    backend: str
    candidates: int
    kills: int
    finished: int
    restart_notes: int
    unanswered: int
    lost_answers: int
    over_two_attempts: int
    applied_twice: int
    repeated_notices: int
    notices_missing: int
    first_error: str | None


async def _killer(bot: BotProcess, kills: int, rand: random.Random, done: asyncio.Event) -> int:
    """SIGKILL the bot `kills` times at random moments, restarting it at once each time."""
    made = 0
    while made < kills and not done.is_set():
        try:
            await asyncio.wait_for(done.wait(), rand.uniform(4.0, 15.0))
            break
        except TimeoutError:
            pass
        await bot.kill()
        made += 1
        await bot.start()
    return made


def _applied_twice(user: EmulatedUser, repeated_after: set[int]) -> int:
    """Confirmations of a saved answer the bot sent twice in a row: a redelivered update applied again.

    A pair the user asked for twice (an action repeated after no answer came) is not counted, nor restart
    notes, which answer no update of their own. Screens shown twice are not counted either: a redelivered
    update applied before shows the current step's screen again (bot/apply_once), which repeats the
    question the person may have seen; its 「已保存」 confirmation is never repeated, so a doubled one means
    the step was applied twice. Doubled quiz answers and attempts are counted from the database.
    """
    passed_over = {NOTICE, t("common.already_applied")}
    replies = [m for m in user.messages if m.content not in passed_over]
    return sum(
        1
        for a, b in itertools.pairwise(replies)
        if a.content == b.content and a.message_id not in repeated_after and a.content.startswith(SAVED)
    )


async def _lost_and_attempts(db: Database, acknowledged: Acknowledged) -> tuple[int, int]:
    async with db.uow() as uow:
        session = uow.session
        rows = await session.execute(
            select(User.telegram_id, AttemptItem.position)
            .join(Registration, Registration.user_id == User.id)
            .join(QuizAttempt, QuizAttempt.registration_id == Registration.id)
            .join(AttemptItem, AttemptItem.attempt_id == QuizAttempt.id)
            .where(AttemptItem.chosen.is_not(None))
        )
        stored: dict[int, set[int]] = {}
        for telegram_id, position in rows.all():
            stored.setdefault(telegram_id, set()).add(position)
        lost = 0
        for telegram_id, positions in acknowledged.answers.items():
            have = stored.get(telegram_id, set())
            # positions may be 0- or 1-based in storage; compare counts per user
            lost += max(0, len(positions) - len(have))
        per_registration = await session.execute(
            select(func.count()).select_from(QuizAttempt).group_by(QuizAttempt.registration_id)
        )
        over = sum(1 for (n,) in per_registration.all() if n > 2)
        return lost, over


async def measure_crash(backend: str, candidates: int, kills: int = 4, seed_no: int = 8) -> CrashCounts:
    """Run the journey under repeated SIGKILLs and count lost, doubled and repeated effects."""
    rand = random.Random(seed_no)
    async with fresh_database(backend) as url:
        seeded = await seed(url, candidates)
        db = Database(url)
        try:
            async with emulator() as emu:
                bot = BotProcess("bot", emu.base_url, url)
                await bot.start()
                try:
                    counts = await _run(emu, bot, db, seeded, kills, rand)
                finally:
                    await bot.stop()
                users = [emu.users[t] for t in seeded.telegram_ids]
            lost, over = await _lost_and_attempts(db, counts[1])
        finally:
            await db.dispose()
    notices = Counter(u.id for u in users for m in u.messages if m.content == NOTICE)
    made, acknowledged, failures = counts
    repeated = acknowledged.repeated
    errors = [f for f in failures if f is not None]
    return CrashCounts(
        backend=backend,
        candidates=candidates,
        kills=made,
        finished=len(acknowledged.handed_in),
        restart_notes=acknowledged.restart_notes,
        unanswered=repeated,
        lost_answers=lost,
        over_two_attempts=over,
        applied_twice=sum(_applied_twice(u, acknowledged.repeated_after.get(u.id, set())) for u in users),
        repeated_notices=sum(n - 1 for n in notices.values() if n > 1),
        notices_missing=sum(1 for u in users if notices[u.id] == 0),
        first_error=f"{type(errors[0]).__name__}: {str(errors[0])[:200]}" if errors else None,
    )


async def _run(
    emu: BotApiEmulator, bot: BotProcess, db: Database, seeded: object, kills: int, rand: random.Random
) -> tuple[int, Acknowledged, list[BaseException | None]]:
    acknowledged = Acknowledged()
    result = LoadResult()
    crowd = emu.make_started_users(seeded.telegram_ids, "张三")  # type: ignore[attr-defined]
    await broadcast_to_all(db, NOTICE)
    done = asyncio.Event()
    killer = asyncio.create_task(_killer(bot, kills, rand, done))

    # as patient as the journey run: under this load a round of all users takes seconds, and a shorter wait
    # would have users repeat actions that were merely queued, which is load, not the crash
    journeys = [Journey(u, result, acknowledged, timeout=TIMEOUT, retries=3) for u in crowd]

    async def one(journey: Journey) -> None:
        await whole_journey(journey, lambda t: approve_with_study(db, seeded, [t]))  # type: ignore[arg-type]

    outcomes = await asyncio.gather(*(one(j) for j in journeys), return_exceptions=True)
    acknowledged.repeated = sum(j.repeated for j in journeys)
    acknowledged.restart_notes = sum(j.restart_notes for j in journeys)
    acknowledged.repeated_after = {j.user.id: j.repeated_after for j in journeys}
    done.set()
    made = await killer
    await asyncio.sleep(3.0)  # let the outbox worker finish the notice
    return made, acknowledged, [o if isinstance(o, BaseException) else None for o in outcomes]


def rows(c: CrashCounts) -> list[dict[str, object]]:
    """Rows for the combined table."""
    tag = f"[{c.backend}] crash ({c.candidates} candidates, {c.kills} SIGKILLs)"
    if c.first_error:
        print(f"  first crash-run failure: {c.first_error}")
    return [
        {
            "name": f"{tag}: journeys finished",
            "value": f"{c.finished} / {c.candidates}",
            "unit": "",
            "target": "all",
            "ratio": None,
        },
        {
            "name": f"{tag}: 'saved before the restart' notes received",
            "value": c.restart_notes,
            "unit": "",
            "target": None,
            "ratio": None,
        },
        {
            "name": f"{tag}: updates never answered (user repeated)",
            "value": c.unanswered,
            "unit": "",
            "target": None,
            "ratio": None,
        },
        {
            "name": f"{tag}: acknowledged answers lost",
            "value": c.lost_answers,
            "unit": "",
            "target": 0,
            "ratio": None,
        },
        {
            "name": f"{tag}: candidates with > 2 attempts",
            "value": c.over_two_attempts,
            "unit": "",
            "target": 0,
            "ratio": None,
        },
        {
            "name": f"{tag}: updates applied twice",
            "value": c.applied_twice,
            "unit": "",
            "target": 0,
            "ratio": None,
        },
        {
            "name": f"{tag}: notices repeated / missing",
            "value": f"{c.repeated_notices} / {c.notices_missing}",
            "unit": "",
            "target": "0 / 0",
            "ratio": None,
        },
    ]


async def _main(candidates: int, backend: str, kills: int) -> None:
    counts = await measure_crash(backend, candidates, kills)
    for row in rows(counts):
        print(f"{row['name']:<70} {row['value']}")
    if counts.first_error:
        print("first failure:", counts.first_error)


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        _main(
            int(args[0]) if args else 50,
            args[1] if len(args) > 1 else "sqlite",
            int(args[2]) if len(args) > 2 else 4,
        )
    )
