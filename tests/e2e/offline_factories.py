"""Rows for offline-training tests: plans, institutions and candidates who already passed the online quiz."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from PIL import Image
from sqlalchemy import select

from core.certificates.service import Issuer
from core.db import Database
from core.db.models import (
    BatchAssignment,
    Consent,
    Institution,
    Photo,
    Plan,
    Profile,
    QuizAttempt,
    Registration,
    User,
)
from core.people.users import TelegramIdentity
from core.profile.consent import KINDS, NOTICE_VERSION
from core.profile.identity import make_resident_id, make_uscc

PLAN_NO = "2026120000000019"


def photo_jpeg(width: int = 90, height: int = 120) -> bytes:
    """A small real JPEG, like a bare-headed ID photo."""
    image = Image.new("RGB", (width, height), (200, 220, 240))
    for x in range(30, 60):
        for y in range(30, 70):
            image.putpixel((x, y), (120, 90, 70))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def make_plan(db: Database, plan_no: str = PLAN_NO, pass_score: int = 90) -> int:
    """A published plan (study window this summer) and its id."""
    async with db.uow() as uow:
        plan = Plan(
            plan_no=plan_no,
            name="2026年度技能人才评价考评员培训",
            occupations=["电工"],
            registration_start=date(2026, 7, 30),
            registration_end=date(2026, 8, 16),
            study_start=date(2026, 7, 30),
            study_end=date(2026, 8, 27),
            pass_score=pass_score,
        )
        uow.session.add(plan)
        await uow.session.flush()
        await uow.commit()
        return plan.id


async def make_institution(db: Database, name: str, seq: int = 1) -> int:
    """A filed institution and its id."""
    async with db.uow() as uow:
        body = f"91340100MA2N{seq:04d}0"[:17]
        row = Institution(name=name, uscc=make_uscc(body), kind="central_branch", filing_status="filed")
        uow.session.add(row)
        await uow.session.flush()
        await uow.commit()
        return row.id


async def make_candidate(
    db: Database,
    telegram_id: int,
    name: str,
    plan_id: int,
    *,
    score: int | None = 95,
    passed_at: datetime | None = None,
    institution_id: int | None = None,
    seq: int | None = None,
    photo: bool = True,
    occupation: str = "电工",
) -> int:
    """An approved candidate whose quiz attempt scored `score` (None: no attempt); the registration id."""
    async with db.uow() as uow:
        user = await uow.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            user = User(telegram_id=telegram_id, first_name=name)
            uow.session.add(user)
            await uow.session.flush()
        uow.session.add_all(Consent(user_id=user.id, kind=k, version=NOTICE_VERSION) for k in KINDS)
        uow.session.add(
            Profile(
                user_id=user.id,
                id_type="居民身份证(中国大陆)",
                id_number=make_resident_id(seq=seq if seq is not None else telegram_id % 1000),
                name=name,
                gender="男",
                mobile="13800138000",
                institution_id=institution_id,
                address="安徽省合肥市蜀山区黄山路 100 号",
            )
        )
        if photo:
            data = photo_jpeg()
            uow.session.add(
                Photo(
                    user_id=user.id,
                    data=data,
                    mime_type="image/jpeg",
                    width=90,
                    height=120,
                    sha256=hashlib.sha256(data).hexdigest(),
                )
            )
        registration = Registration(
            user_id=user.id,
            plan_id=plan_id,
            occupation=occupation,
            status="approved",
            submitted_at=datetime(2026, 8, 1, tzinfo=UTC),
            decided_at=datetime(2026, 8, 2, tzinfo=UTC),
        )
        uow.session.add(registration)
        await uow.session.flush()
        if score is not None:
            finished = passed_at or datetime(2026, 8, 20, tzinfo=UTC) + timedelta(minutes=telegram_id % 1000)
            uow.session.add(
                QuizAttempt(
                    registration_id=registration.id,
                    attempt_no=1,
                    started_at=finished - timedelta(minutes=30),
                    deadline=finished + timedelta(minutes=30),
                    submitted_at=finished,
                    status="submitted",
                    score=score,
                    seed=1,
                )
            )
        await uow.commit()
        return registration.id


STAFF_ID = 900001
STAFF = TelegramIdentity(STAFF_ID, "工作人员")
STAFF_IDS = frozenset({STAFF_ID})
ISSUER = Issuer("安徽省职业技能鉴定中心", "http://127.0.0.1:8080")
TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 9, 1)


def pdf_text(pdf: bytes) -> str:
    """The text poppler extracts from a PDF, as a reader's copy-and-paste would get it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_page_png(pdf: bytes) -> bytes:
    """The first page rendered by poppler at 50 dpi, to prove the PDF draws."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), f"{folder}/p"], check=True
        )
        return next(Path(folder).glob("p*.png")).read_bytes()


def results_xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    """An Excel results sheet as staff would upload it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def seated_batch(db: Database, plan_id: int, capacity: int = 10, day: str = "2026-09-05") -> int:
    """Create an offline batch through the service and return its id."""
    from core.offline.batches import create_batch

    view = await create_batch(
        db, STAFF, STAFF_IDS, [PLAN_NO, day, "09:00", str(capacity), "合肥市黄山路100号"], TODAY
    )
    return view.id


async def ticket_of(db: Database, telegram_id: int) -> str:
    """The ticket number of a seated candidate."""
    async with db.uow() as uow:
        ticket = await uow.session.scalar(
            select(BatchAssignment.ticket_no)
            .join(User, User.id == BatchAssignment.user_id)
            .where(User.telegram_id == telegram_id)
        )
    assert ticket is not None
    return ticket
