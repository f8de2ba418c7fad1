"""Retention: RETENTION_DAYS after a plan ends, its photos, proofs and non-passers' personal fields go.

`python -m core.privacy.retention --dry-run` lists what would go; without it the pass runs (the bot: daily).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Database
from core.db.models import (
    Batch,
    Certificate,
    IssuedCertificate,
    Photo,
    Plan,
    Profile,
    Proof,
    Registration,
    RetentionRun,
)
from core.people import audit
from core.privacy import erasure
from core.texts import t


@dataclass(frozen=True, slots=True)
class PlanRetention:
    """One plan past its retention period: what goes, in anonymised counts."""

    plan_no: str
    ended_on: date
    due_on: date
    photos: int
    proofs: int
    people: int


def due(ended_on: date, today: date, retention_days: int) -> bool:
    """A plan's data goes once RETENTION_DAYS have passed since its last day."""
    return today >= ended_on + timedelta(days=retention_days)


async def _ended_on(session: AsyncSession, plan: Plan) -> date:
    """A plan ends on its last study day or its last batch day, whichever is later."""
    last_batch = await session.scalar(select(func.max(Batch.day)).where(Batch.plan_id == plan.id))
    return max(plan.study_end, last_batch) if last_batch is not None else plan.study_end


async def _still_active(session: AsyncSession, user_ids: list[int], today: date, days: int) -> set[int]:
    """People who are also in a plan whose retention has not yet run out: their photo and profile stay."""
    rows = await session.execute(
        select(Registration.user_id, Plan).join(Plan, Plan.id == Registration.plan_id).where(
            Registration.user_id.in_(user_ids)
        )
    )
    active = set()
    for user_id, plan in rows.all():
        if not due(await _ended_on(session, plan), today, days):
            active.add(user_id)
    return active


async def _plan_pass(
    session: AsyncSession, plan: Plan, ended_on: date, today: date, days: int, apply: bool
) -> PlanRetention:
    people = list(await session.scalars(select(Registration.user_id).where(Registration.plan_id == plan.id)))
    active = await _still_active(session, people, today, days)
    settled = [u for u in people if u not in active]
    issued = select(IssuedCertificate.user_id).where(IssuedCertificate.user_id.in_(people))
    passed = set(await session.scalars(issued))
    never_passed = [u for u in settled if u not in passed]
    holding = select(Profile.user_id).where(Profile.user_id.in_(never_passed))
    erasable = list(await session.scalars(holding))
    proofs = select(func.count(Proof.id)).join(Certificate, Certificate.id == Proof.certificate_id)
    proofs = proofs.join(Registration, Registration.id == Certificate.registration_id)
    photo_count = await session.scalar(select(func.count(Photo.id)).where(Photo.user_id.in_(settled))) or 0
    proof_count = await session.scalar(proofs.where(Registration.plan_id == plan.id)) or 0
    report = PlanRetention(
        plan.plan_no, ended_on, ended_on + timedelta(days=days), photo_count, proof_count, len(erasable)
    )
    if apply:
        await erasure.delete_files(session, sorted(active), plan_id=plan.id, photos=False)
        await erasure.delete_files(session, settled)
        for user_id in erasable:
            await erasure.erase_person(session, user_id, None)
        counts = {"photos": photo_count, "proofs": proof_count, "people": len(erasable), "kept": len(passed)}
        session.add(RetentionRun(plan_id=plan.id, counts=counts))
        await audit.record(session, None, "privacy.retention", f"plan:{plan.id}", after=counts)
    return report


async def run(db: Database, today: date, retention_days: int, *, dry_run: bool) -> list[PlanRetention]:
    """Delete (or, dry, only list) what every plan past its retention period still holds; one transaction."""
    async with db.uow() as uow:
        session = uow.session
        done = select(RetentionRun.plan_id)
        reports = []
        for plan in await session.scalars(select(Plan).where(Plan.id.not_in(done)).order_by(Plan.id)):
            ended_on = await _ended_on(session, plan)
            if due(ended_on, today, retention_days):
                reports.append(await _plan_pass(session, plan, ended_on, today, retention_days, not dry_run))
        if not dry_run:
            await uow.commit()
    return reports


def describe(reports: list[PlanRetention], dry_run: bool) -> str:
    """The pass in one line per plan, for the shell and the log."""
    if not reports:
        return t("privacy.retention.nothing")
    head = t("privacy.retention.would" if dry_run else "privacy.retention.did")
    lines = [
        t("privacy.retention.line", plan=r.plan_no, ended=r.ended_on, due=r.due_on, photos=r.photos,
          proofs=r.proofs, people=r.people)
        for r in reports
    ]  # fmt: skip
    return "\n".join([head, *lines])


def main(argv: list[str] | None = None) -> int:
    """Run the pass against DATABASE_URL with RETENTION_DAYS from the environment and `.env`."""
    from dotenv import dotenv_values

    from core.db.migrate import upgrade
    from core.settings import Settings, SettingsError

    usage = t("privacy.retention.usage")
    parser = argparse.ArgumentParser(prog="python -m core.privacy.retention", description=usage)
    parser.add_argument("--dry-run", action="store_true", help=t("privacy.retention.dry_run_help"))
    args = parser.parse_args(argv)
    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    try:
        settings = Settings.from_env(values)
    except SettingsError as error:
        print(f"配置错误 / configuration error: {error}", file=sys.stderr)
        return 2

    async def go() -> list[PlanRetention]:
        db = Database(settings.database_url)
        try:
            await upgrade(db.engine)
            today = datetime.now(settings.timezone).date()
            return await run(db, today, settings.retention_days, dry_run=args.dry_run)
        finally:
            await db.dispose()

    print(describe(asyncio.run(go()), args.dry_run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
