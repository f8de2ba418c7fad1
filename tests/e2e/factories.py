"""Rows tests need before the features that create them exist: institutions, plans, candidates, liaisons."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from core.db import Database
from core.db.models import (
    Certificate,
    Consent,
    Institution,
    Liaison,
    Photo,
    Plan,
    Profile,
    Proof,
    Registration,
    StaffMember,
    User,
)
from core.profile.consent import KINDS, NOTICE_VERSION
from core.profile.identity import make_resident_id, make_uscc
from emulator import BotMessage, EmulatedUser

_counter = itertools.count(1)
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def uscc_for(n: int) -> str:
    """A valid, distinct unified social credit code for test number n."""
    return make_uscc(f"9134010{n:010d}"[:17])


def resident_id_for(n: int, seq: int = 123) -> str:
    """A valid resident ID number, distinct for each n."""
    return make_resident_id("340104", date(1970, 1, 1) + timedelta(days=n), seq=seq % 1000)


@dataclass(frozen=True, slots=True)
class CandidateRef:
    """What a test needs to refer to a made candidate."""

    telegram_id: int
    user_id: int
    registration_id: int | None
    id_number: str
    mobile: str
    name: str


async def make_user(db: Database, telegram_id: int, first_name: str = "用户") -> int:
    """A user row, as if they had written to the bot; returns its id."""
    async with db.uow() as uow:
        user = await uow.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            user = User(telegram_id=telegram_id, first_name=first_name)
            uow.session.add(user)
            await uow.session.flush()
        await uow.commit()
        return user.id


async def make_institution(
    db: Database,
    name: str | None = None,
    kind: str = "central_branch",
    filing_status: str = "filed",
    parent_id: int | None = None,
    uscc: str | None = None,
) -> int:
    """An institution in the registry; returns its id."""
    n = next(_counter)
    async with db.uow() as uow:
        row = Institution(
            name=name or f"测试机构{n}",
            uscc=uscc or uscc_for(n + 5000),
            kind=kind,
            filing_status=filing_status,
            parent_id=parent_id,
        )
        uow.session.add(row)
        await uow.session.flush()
        await uow.commit()
        return row.id


async def make_plan(db: Database, plan_no: str | None = None, today: date | None = None) -> int:
    """A published plan whose windows are open around today; returns its id."""
    today = today or datetime.now(UTC).date()
    async with db.uow() as uow:
        plan = Plan(
            plan_no=plan_no or f"20261200000{next(_counter):05d}",
            name="技能人才评价考评员培训（测试）",
            occupations=["电工", "焊工"],
            registration_start=today - timedelta(days=3),
            registration_end=today + timedelta(days=14),
            study_start=today - timedelta(days=3),
            study_end=today + timedelta(days=25),
        )
        uow.session.add(plan)
        await uow.session.flush()
        await uow.commit()
        return plan.id


async def make_candidate(
    db: Database,
    telegram_id: int,
    institution: int | None,
    status: str | None = "submitted",
    *,
    name: str | None = None,
    plan_id: int | None = None,
    certificate_number: str | None = None,
    with_photo: bool = True,
    with_proof: bool = True,
    proof_file_id: str | None = None,
    level: str = "三级/高级工",
    occupation: str = "电工",
) -> CandidateRef:
    """A candidate with a complete profile and, unless status is None, a registration in that status."""
    n = next(_counter)
    name = name or f"考生{n}"
    id_number = resident_id_for(n, telegram_id)
    mobile = f"139{telegram_id % 100000000:08d}"
    user_id = await make_user(db, telegram_id, name)
    if status is not None and plan_id is None:
        async with db.uow() as uow:
            plan_id = await uow.session.scalar(select(Plan.id).order_by(Plan.id))
        if plan_id is None:
            plan_id = await make_plan(db)
    async with db.uow() as uow:
        session = uow.session
        session.add_all(Consent(user_id=user_id, kind=k, version=NOTICE_VERSION) for k in KINDS)
        session.add(
            Profile(
                user_id=user_id,
                id_type="居民身份证(中国大陆)",
                id_number=id_number,
                name=name,
                gender="男",
                birth_date=date(1980, 1, 1),
                education="大学本科",
                mobile=mobile,
                email=f"c{telegram_id}@example.com",
                postcode="230001",
                region="省直",
                category="企业职工",
                address="合肥市蜀山区",
                identity_flags=[],
                institution_id=institution,
            )
        )
        if with_photo:
            session.add(
                Photo(
                    user_id=user_id,
                    data=PNG_1X1,
                    mime_type="image/png",
                    width=1,
                    height=1,
                    sha256=hashlib.sha256(PNG_1X1).hexdigest(),
                )
            )
        registration_id = None
        if status is not None:
            assert plan_id is not None
            submitted = status != "draft"
            registration = Registration(
                user_id=user_id,
                plan_id=plan_id,
                occupation=occupation,
                status=status,
                pledge_confirmed=submitted,
                submitted_at=datetime.now(UTC) if submitted else None,
            )
            session.add(registration)
            await session.flush()
            registration_id = registration.id
            certificate = Certificate(
                registration_id=registration.id,
                kind="skill",
                field=occupation,
                level=level,
                number=certificate_number or f"S{telegram_id:010d}",
                issuer="安徽省职业技能鉴定中心",
                issued_on=date(2015, 6, 1),
            )
            session.add(certificate)
            await session.flush()
            if with_proof:
                session.add(
                    Proof(
                        certificate_id=certificate.id,
                        telegram_file_id=proof_file_id or f"proof-{telegram_id}",
                        file_name="证书扫描件.pdf",
                        mime_type="application/pdf",
                        size=100,
                        sha256="0" * 64,
                    )
                )
        await uow.commit()
    return CandidateRef(telegram_id, user_id, registration_id, id_number, mobile, name)


async def make_liaison(
    db: Database, telegram_id: int, institution_id: int, first_name: str = "联络人"
) -> int:
    """Bind a user as an institution's liaison; returns the user id."""
    user_id = await make_user(db, telegram_id, first_name)
    async with db.uow() as uow:
        uow.session.add(Liaison(institution_id=institution_id, user_id=user_id))
        await uow.commit()
    return user_id


async def make_staff_member(db: Database, telegram_id: int, name: str = "工作人员") -> None:
    """A staff member added in the bot (not via the settings)."""
    async with db.uow() as uow:
        uow.session.add(StaffMember(telegram_id=telegram_id, name=name))
        await uow.commit()


async def registration_status(db: Database, registration_id: int) -> tuple[str, str | None, int]:
    """A registration's status, reason and version as the database holds them."""
    async with db.uow() as uow:
        row = await uow.session.get(Registration, registration_id)
        assert row is not None
        return row.status, row.reject_reason, row.version


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV file as staff would export it from Excel."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[object]], merge: str | None = None) -> bytes:
    """An .xlsx workbook with the rows on its first sheet, optionally with a merged range."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


INSTITUTION_HEADER = ["机构名称", "统一社会信用代码", "类型", "上级组织", "备案状态"]
CERTIFICATE_HEADER = ["姓名", "证件号码", "证书编号", "职业", "等级"]


def institution_rows() -> list[list[str]]:
    """A small, valid institution registry: a central branch, a provincial organisation and its member."""
    return [
        INSTITUTION_HEADER,
        ["中国电信股份有限公司安徽分公司", uscc_for(1), "央企驻皖分支机构", "", "已备案"],
        ["安徽省建筑业协会", uscc_for(2), "省级行业评价组织", "", "已备案"],
        ["安徽建工集团股份有限公司", uscc_for(3), "会员单位", "安徽省建筑业协会", "拟备案"],
    ]


async def message_containing(user: EmulatedUser, needle: str, limit: int = 8) -> BotMessage:
    """Read the user's new messages until one contains `needle` (photos and proofs come first)."""
    seen = []
    for _ in range(limit):
        message = await user.next_message()
        if needle in message.content:
            return message
        seen.append(message.content[:60])
    raise AssertionError(f"no message with {needle!r}; saw {seen}")
