"""Qualification exam results (考评员资格考试成绩): imported from Excel or typed one by one, then acted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.certificates.examiners import enter_examiner, parse_levels
from core.certificates.service import Issuer, issue_certificate
from core.db import Database, dialogs
from core.db.dialogs import DialogState
from core.db.models import (
    Batch,
    BatchAssignment,
    Examiner,
    ExamResult,
    IssuedCertificate,
    Profile,
    Registration,
    User,
)
from core.errors import InvalidInput
from core.normalise import clean_text, parse_int
from core.offline.ticket_numbers import is_valid_ticket_number
from core.offline.tickets import normalise_ticket
from core.people.roles import require_staff
from core.people.users import TelegramIdentity
from core.spreadsheets import Column, Row, RowError, TableInvalid, column_of, parse_rows
from core.texts import t

MAX_FILE_BYTES = 10 * 1024 * 1024  # a results sheet larger than this is refused before download
IMPORT_FLOW = "exam_import"
MAX_SHOWN = 20
_PASS = {"合格", "通过", "是", "pass", "passed", "y", "yes", "1"}
_FAIL = {"不合格", "未通过", "否", "fail", "failed", "n", "no", "0"}


def check_declared_size(size: int | None, filename: str) -> None:
    """Refuse a results sheet by the size Telegram declares, before it is downloaded."""
    if size is not None and size > MAX_FILE_BYTES:
        raise InvalidInput("spreadsheets.too_large", filename=filename)


def parse_ticket(raw: str) -> str:
    """A ticket number as printed, or refuse."""
    raw = clean_text(raw, code=True)
    if not is_valid_ticket_number(raw):
        raise InvalidInput("offline.exam.bad_ticket", value=raw[:32])
    return normalise_ticket(raw)


def parse_id_number(raw: str) -> str:
    """An ID number compared as stored: no spaces, upper-case X."""
    return "".join(clean_text(raw, code=True).split()).upper()


def parse_score(raw: str) -> int:
    """A whole score from 0 to 100."""
    return parse_int(raw, low=0, high=100, error="offline.exam.bad_score")


def parse_verdict(raw: str) -> bool:
    """合格 / 不合格 (and their common spellings) to pass or fail."""
    text = clean_text(raw, code=True).casefold()
    if text in _PASS:
        return True
    if text in _FAIL:
        return False
    raise InvalidInput("offline.exam.bad_verdict", value=raw[:20])


COLUMNS = (
    Column("ticket", ("准考证号", "准考证编号", "准考证"), False, parse_ticket),
    Column("id_number", ("证件号码", "身份证号", "身份证号码", "证件号"), False, parse_id_number),
    Column("score", ("成绩", "分数", "考试成绩"), True, parse_score),
    Column("passed", ("考试结果", "结果", "是否合格", "合格"), True, parse_verdict),
    Column("levels", ("考评等级", "等级范围", "可考评等级"), False, parse_levels),
)


@dataclass(frozen=True, slots=True)
class ExamNotice:
    """One recorded result and what its holder must be told."""

    telegram_id: int
    name: str
    score: int
    passed: bool
    certificate_no: str | None


@dataclass(frozen=True, slots=True)
class ExamReport:
    """What a results import or entry did."""

    recorded: tuple[ExamNotice, ...]

    @property
    def passed(self) -> int:
        """How many passed."""
        return sum(1 for n in self.recorded if n.passed)


@dataclass(frozen=True, slots=True)
class ExamResultView:
    """A candidate's own exam result, for 成绩查询 and the archive."""

    score: int
    passed: bool
    recorded_at: datetime
    certificate_no: str | None
    held_on: date


@dataclass(frozen=True, slots=True)
class _Line:
    key: str
    ticket: str | None
    id_number: str | None
    score: int
    passed: bool
    levels: list[str] | None
    row: Row | None = None


_ROW_COLUMN = {
    "offline.exam.unknown": "ticket",
    "offline.exam.mismatch": "id_number",
    "offline.exam.absent": "ticket",
    "offline.exam.duplicate": "ticket",
    "offline.exam.already_certified": "passed",
}


class _Problems:
    """Problems of a results batch: row and column for a sheet, the person's key for a typed result."""

    def __init__(self) -> None:
        self.typed: list[str] = []
        self.cells: list[RowError] = []

    def add(self, line: _Line, key: str, **params: Any) -> None:
        if line.row is None:
            self.typed.append(t(key, who=line.key, **params))
            return
        column = _ROW_COLUMN[key]
        if column == "ticket" and line.ticket is None:
            column = "id_number"
        self.cells.append(
            line.row.error(column_of(COLUMNS, column), f"imports.results.{key.rsplit('.', 1)[1]}", **params)
        )

    def refuse(self) -> None:
        if self.cells:
            raise TableInvalid(self.cells, "imports.results.refused")
        if self.typed:
            more = len(self.typed) - MAX_SHOWN
            raise InvalidInput(
                "offline.exam.refused",
                count=len(self.typed),
                details="\n".join(self.typed[:MAX_SHOWN]),
                more=t("offline.exam.more", count=more) if more > 0 else "",
            )


async def _seat_for(session: AsyncSession, line: _Line) -> BatchAssignment | str:
    """The seat a line refers to, or the catalogue key saying why it cannot be used."""
    seat: BatchAssignment | None = None
    if line.ticket is not None:
        seat = await session.scalar(select(BatchAssignment).where(BatchAssignment.ticket_no == line.ticket))
    if line.id_number is not None:
        by_id = await session.scalar(
            select(BatchAssignment)
            .join(Profile, Profile.user_id == BatchAssignment.user_id)
            .where(Profile.id_number == line.id_number)
        )
        if seat is not None and by_id is not None and seat.id != by_id.id:
            return "offline.exam.mismatch"
        seat = seat or by_id
    if seat is None:
        return "offline.exam.unknown"
    if seat.checked_in_at is None:
        return "offline.exam.absent"
    return seat


async def _apply(
    session: AsyncSession, lines: list[_Line], actor_id: int | None, source: str, today: date, issuer: Issuer
) -> ExamReport:
    """Check every line first and refuse the lot if any is wrong; then record, enter passers and issue."""
    problems = _Problems()
    seats: list[tuple[_Line, BatchAssignment]] = []
    seen: dict[int, int] = {}
    for line in lines:
        found = await _seat_for(session, line)
        if isinstance(found, str):
            problems.add(line, found)
            continue
        if found.id in seen:
            problems.add(line, "offline.exam.duplicate", row=seen[found.id])
            continue
        seen[found.id] = line.row.number if line.row is not None else 0
        issued = await session.scalar(
            select(IssuedCertificate.number)
            .join(Examiner, Examiner.id == IssuedCertificate.examiner_id)
            .where(Examiner.registration_id == found.registration_id)
        )
        if issued is not None and not line.passed:
            problems.add(line, "offline.exam.already_certified", number=issued)
            continue
        seats.append((line, found))
    problems.refuse()
    notices: list[ExamNotice] = []
    for line, seat in seats:
        result = await session.scalar(select(ExamResult).where(ExamResult.assignment_id == seat.id))
        if result is None:
            result = ExamResult(
                assignment_id=seat.id, registration_id=seat.registration_id, score=0, passed=False
            )
            session.add(result)
        result.score, result.passed, result.source, result.recorded_by_user_id = (
            line.score,
            line.passed,
            source,
            actor_id,
        )
        number: str | None = None
        if line.passed:
            registration = await session.get(Registration, seat.registration_id)
            assert registration is not None
            examiner = await enter_examiner(session, registration, line.levels or parse_levels(""))
            number = (await issue_certificate(session, examiner, today, issuer)).number
        user = await session.get(User, seat.user_id)
        name = await session.scalar(select(Profile.name).where(Profile.user_id == seat.user_id))
        assert user is not None
        notices.append(ExamNotice(user.telegram_id, name or "", line.score, line.passed, number))
    await session.flush()
    return ExamReport(tuple(notices))


async def open_import(db: Database, who: TelegramIdentity, staff_ids: frozenset[int]) -> None:
    """Put staff in the results-import flow: the next file they send is the results sheet."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        await dialogs.save(uow.session, actor.user_id, DialogState(IMPORT_FLOW, "file", {}))
        await uow.commit()


async def import_results(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    data: bytes,
    filename: str,
    today: date,
    issuer: Issuer,
) -> ExamReport:
    """Apply a results sheet (准考证号 or 证件号码, 成绩, 考试结果) all or nothing."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        report = await apply_results_file(uow.session, data, filename, actor.user_id, today, issuer)
        await dialogs.clear(uow.session, actor.user_id)
        await uow.commit()
    return report


def _lines(data: bytes, filename: str) -> list[_Line]:
    """The sheet's rows as result lines; a row naming nobody is refused by row and column."""
    rows, errors = parse_rows(data, filename, COLUMNS)
    lines: list[_Line] = []
    for row in rows:
        if row["ticket"] is None and row["id_number"] is None:
            errors.append(row.error(column_of(COLUMNS, "ticket"), "imports.results.row_without_key"))
            continue
        key = row["ticket"] or row["id_number"]
        lines.append(
            _Line(key, row["ticket"], row["id_number"], row["score"], row["passed"], row["levels"], row)
        )
    if errors:
        raise TableInvalid(errors, "imports.results.refused")
    if not lines:
        raise InvalidInput("offline.exam.no_rows", filename=filename)
    return lines


async def apply_results_file(
    session: AsyncSession, data: bytes, filename: str, actor_id: int | None, today: date, issuer: Issuer
) -> ExamReport:
    """Check a whole results sheet, then record it inside the caller's unit of work; all or nothing."""
    return await _apply(session, _lines(data, filename), actor_id, "import", today, issuer)


async def record_result(
    db: Database,
    who: TelegramIdentity,
    staff_ids: frozenset[int],
    args: list[str],
    today: date,
    issuer: Issuer,
) -> ExamReport:
    """Record one result from `准考证号或证件号码 成绩 合格|不合格 [考评等级]`."""
    async with db.uow() as uow:
        actor = await require_staff(uow.session, who, staff_ids)
        if len(args) < 3:
            raise InvalidInput("offline.exam.usage")
        key_raw, score_raw, verdict_raw = args[:3]
        score, passed = parse_score(score_raw), parse_verdict(verdict_raw)
        levels = parse_levels(" ".join(args[3:])) if len(args) > 3 else None
        ticket = normalise_ticket(key_raw) if is_valid_ticket_number(key_raw) else None
        line = _Line(
            key_raw.strip()[:32], ticket, None if ticket else parse_id_number(key_raw), score, passed, levels
        )
        report = await _apply(uow.session, [line], actor.user_id, "manual", today, issuer)
        await uow.commit()
    return report


async def exam_results_for(session: AsyncSession, user_id: int) -> list[ExamResultView]:
    """The candidate's qualification exam results, newest first, for 成绩查询 and 考试档案."""
    rows = await session.execute(
        select(ExamResult, Batch.day, IssuedCertificate.number)
        .join(BatchAssignment, BatchAssignment.id == ExamResult.assignment_id)
        .join(Batch, Batch.id == BatchAssignment.batch_id)
        .outerjoin(Examiner, Examiner.registration_id == ExamResult.registration_id)
        .outerjoin(IssuedCertificate, IssuedCertificate.examiner_id == Examiner.id)
        .where(BatchAssignment.user_id == user_id)
        .order_by(ExamResult.recorded_at.desc())
    )
    return [
        ExamResultView(r.score, r.passed, r.recorded_at, n if r.passed else None, day or r.recorded_at.date())
        for r, day, n in rows
    ]


async def exam_results_by_telegram_id(session: AsyncSession, telegram_id: int) -> list[ExamResultView]:
    """The same, for callers that know the Telegram id (成绩查询)."""
    user_id = await session.scalar(select(User.id).where(User.telegram_id == telegram_id))
    return [] if user_id is None else await exam_results_for(session, user_id)
