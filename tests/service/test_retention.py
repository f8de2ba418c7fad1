"""Retention on a real database: a plan ended RETENTION_DAYS ago loses its files and non-passers' data."""

from __future__ import annotations

import asyncio
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.certificates.service import verify
from core.db import Database
from core.db.models import AuditEntry, Batch, Photo, Plan, Profile, Proof, Registration, RetentionRun, User
from core.privacy import retention
from tests.e2e.factories import make_candidate
from tests.e2e.factories import make_plan as make_open_plan
from tests.service.test_certificates import certified

DAYS = 30


async def counts(db: Database) -> dict[str, int]:
    async with db.uow() as uow:
        s = uow.session
        return {
            "photos": await s.scalar(select(func.count(Photo.id))) or 0,
            "proofs": await s.scalar(select(func.count(Proof.id))) or 0,
            "profiles": await s.scalar(select(func.count(Profile.id))) or 0,
            "registrations": await s.scalar(select(func.count(Registration.id))) or 0,
        }


async def profile_of(db: Database, telegram_id: int) -> str | None:
    """The name on the person's profile, or None when they have no profile any more."""
    async with db.uow() as uow:
        row = await uow.session.scalar(select(Profile).join(User).where(User.telegram_id == telegram_id))
        return None if row is None else row.name or ""


async def setup(db: Database) -> tuple[str, date]:
    """A passer with a certificate and a non-passer in a summer plan; someone in an open plan today."""
    [number] = await certified(db, ("欧阳明月",))  # telegram 1001, plan 2026120000000019 (study ends Aug 27)
    async with db.uow() as uow:
        plan_id = await uow.session.scalar(select(Plan.id))
        study_end = await uow.session.scalar(select(Plan.study_end))
        last_batch = await uow.session.scalar(select(func.max(Batch.day)))
        assert plan_id is not None and study_end is not None and last_batch is not None
        ended = max(study_end, last_batch)  # the plan ends on its last study or batch day
    await make_candidate(db, 1002, None, plan_id=plan_id, status="rejected", name="李强")
    await make_open_plan(db, today=ended + timedelta(days=DAYS))
    async with db.uow() as uow:
        open_plan = await uow.session.scalar(select(Plan.id).order_by(Plan.id.desc()))
    await make_candidate(db, 1003, None, plan_id=open_plan, name="赵敏")
    return number, ended


async def test_a_plan_ended_retention_days_ago_loses_its_photos_proofs_and_non_passers_data(
    db: Database,
) -> None:
    number, ended = await setup(db)
    today = ended + timedelta(days=DAYS)
    assert not retention.due(ended, today - timedelta(days=1), DAYS) and retention.due(ended, today, DAYS)
    assert await retention.run(db, today - timedelta(days=1), DAYS, dry_run=False) == []
    before = await counts(db)
    assert before == {"photos": 3, "proofs": 2, "profiles": 3, "registrations": 3}

    [listed] = await retention.run(db, today, DAYS, dry_run=True)
    assert (listed.plan_no, listed.ended_on, listed.photos, listed.proofs, listed.people) == (
        "2026120000000019", ended, 2, 1, 1
    )
    assert "试运行" in retention.describe([listed], dry_run=True)
    assert await counts(db) == before  # the dry run changed nothing

    [done] = await retention.run(db, today, DAYS, dry_run=False)
    assert done == listed
    assert await counts(db) == {"photos": 1, "proofs": 1, "profiles": 2, "registrations": 3}
    assert await profile_of(db, 1002) is None  # never passed: personal fields gone
    assert await profile_of(db, 1001) == "欧阳明月"  # in the examiner database
    assert await profile_of(db, 1003) is not None  # the open plan is untouched
    result = await verify(db, number)
    assert result.status == "valid" and result.masked_name == "欧**月"
    async with db.uow() as uow:
        run = await uow.session.scalar(select(RetentionRun))
        assert run is not None and run.counts == {"photos": 2, "proofs": 1, "people": 1, "kept": 1}
        entry = await uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.retention"))
        assert entry is not None and entry.actor_user_id is None and entry.after == run.counts
    assert await retention.run(db, today + timedelta(days=1), DAYS, dry_run=False) == []


async def test_the_dry_run_command_lists_what_would_go(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    _, ended = await setup(db)
    days = (date.today() - ended).days
    env = {"DATABASE_URL": database_url, "RETENTION_DAYS": str(days), "PATH": "/usr/bin:/bin"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "core.privacy.retention", "--dry-run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    shown = out.decode()
    assert process.returncode == 0, err.decode()
    assert "试运行" in shown and "2026120000000019" in shown and "未取得证书人员 1 人" in shown
    assert await counts(db) == {"photos": 3, "proofs": 2, "profiles": 3, "registrations": 3}
