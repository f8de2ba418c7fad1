"""Staff import the course and the question bank by sending files; malformed files are refused whole."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import Database
from core.db.models import BankQuestion, CourseModule
from tests.e2e.harness import BotHarness
from tests.e2e.study_factories import make_plan

HEADER = "题号,题型,分类,题干,选项A,选项B,选项C,答案,分值\n"


async def _count(database_url: str, model: type) -> int:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await db.dispose()


async def test_staff_import_a_bank_and_a_malformed_one_is_refused_with_reasons(
    bot: BotHarness, database_url: str
) -> None:
    staff = bot.staff()
    await staff.send_command("/import_questions")
    assert "请发送题库文件" in ((await staff.next_message()).text or "")
    await staff.send_text("Q1 单选题 …")
    assert "请以文件形式发送题库" in ((await staff.next_message()).text or "")
    bad = (HEADER + "Q1,单选题,政策,题一,甲,乙,,C,10\nQ2,多选题,政策,题二,甲,乙,丙,A,10\n").encode()
    await staff.send_document(bad, "题库.csv", "text/csv")
    refusal = (await staff.next_message()).text or ""
    assert "2 处错误" in refusal and "没有导入任何题目" in refusal
    assert "第 2 行「答案」" in refusal and "第 3 行「答案」" in refusal
    assert await _count(database_url, BankQuestion) == 0
    good = (HEADER + "Q1,单选题,政策,题一,甲,乙,,B,10\nQ2,判断题,政策,题二,,,,对,10\n").encode()
    await staff.send_document(good, "题库.csv", "text/csv")
    assert "新增 2 题" in ((await staff.next_message()).text or "")
    assert await _count(database_url, BankQuestion) == 2


async def test_staff_import_a_course_and_candidates_may_not(bot: BotHarness, database_url: str) -> None:
    candidate = bot.user(3001)
    await candidate.send_command("/import_course")
    assert "没有权限" in ((await candidate.next_message()).text or "")
    staff = bot.staff()
    await staff.send_command("/import_course")
    await staff.next_message()
    course = "编号,内容板块,标题,时长（分钟）,正文\nM1,政策,单元一,90,正文一\nM2,方法,单元二,90,正文二\n"
    await staff.send_document(course.encode(), "课程.csv", "text/csv")
    assert "新增 2 个单元" in ((await staff.next_message()).text or "")
    assert await _count(database_url, CourseModule) == 2


async def test_staff_set_the_paper_and_a_blueprint_not_totalling_100_is_refused(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        await make_plan(db)
    finally:
        await db.dispose()
    staff = bot.staff()
    await staff.send_command("/import_blueprint")
    assert "组卷方案文件" in ((await staff.next_message()).text or "")
    header = "题型,分类,题数,每题分值\n"
    short = header + "单选题,政策法规与职业道德,9,10\n"
    await staff.send_document(short.encode(), "组卷.csv", "text/csv")
    assert "总分为 90 分" in ((await staff.next_message()).text or "")
    greedy = header + "单选题,政策法规与职业道德,20,5\n"
    await staff.send_document(greedy.encode(), "组卷.csv", "text/csv")
    assert "只有 12 道" in ((await staff.next_message()).text or "")
    good = header + "单选题,政策法规与职业道德,5,10\n判断题,考评要点、方法和技巧,5,10\n"
    await staff.send_document(good.encode(), "组卷.csv", "text/csv")
    done = (await staff.next_message()).text or ""
    assert "共 10 题" in done and "判断题·考评要点、方法和技巧：5 题 × 10 分" in done
