"""Staff import a plan's course, question bank and blueprint: the plan is chosen by button, malformed files
are refused whole with row and column, and a swap under an open attempt waits for a confirm button."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import Database
from core.db.models import BankQuestion, BlueprintEntry, CourseModule
from emulator import EmulatedUser
from tests.e2e.harness import BotHarness
from tests.e2e.study_factories import make_plan
from tests.service.test_quiz import begin, ready

HEADER = "题号,题型,分类,题干,选项A,选项B,选项C,答案,分值\n"
PLAN_NO = "2026120000000019"


async def _count(database_url: str, model: type) -> int:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await db.dispose()


async def _plan(database_url: str, *, with_content: bool = False) -> int:
    db = Database(database_url)
    try:
        return await make_plan(db, with_content=with_content)
    finally:
        await db.dispose()


async def choose_plan(staff: EmulatedUser, command: str) -> str:
    """Send the import command, press the plan's button and return the prompt that follows."""
    await staff.send_command(command)
    menu = await staff.next_message()
    assert "哪个考评计划" in (menu.text or "")
    label = next(b for b in menu.buttons if b.startswith(PLAN_NO))
    await staff.press(label)
    prompt = await staff.next_message()
    assert PLAN_NO in (prompt.text or "") and any(b.startswith("下载模板") for b in prompt.buttons)
    return prompt.text or ""


async def test_staff_import_a_bank_and_a_malformed_one_is_refused_with_reasons(
    bot: BotHarness, database_url: str
) -> None:
    await _plan(database_url)
    staff = bot.staff()
    assert "题库文件" in await choose_plan(staff, "/import_questions")
    await staff.send_text("Q1 单选题 …")
    assert "请以文件形式发送" in ((await staff.next_message()).text or "")
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
    await _plan(database_url)
    candidate = bot.user(3001)
    await candidate.send_command("/import_course")
    assert "工作人员" in ((await candidate.next_message()).text or "")
    staff = bot.staff()
    await choose_plan(staff, "/import_course")
    course = "编号,内容板块,标题,时长（分钟）,正文\nM1,政策,单元一,90,正文一\nM2,方法,单元二,90,正文二\n"
    await staff.send_document(course.encode(), "课程.csv", "text/csv")
    assert "新增 2 个单元" in ((await staff.next_message()).text or "")
    assert await _count(database_url, CourseModule) == 2


async def test_staff_set_the_paper_and_a_blueprint_not_totalling_100_is_refused(
    bot: BotHarness, database_url: str
) -> None:
    await _plan(database_url, with_content=True)
    staff = bot.staff()
    assert "组卷方案文件" in await choose_plan(staff, "/import_blueprint")
    header = "题型,分类,题数,每题分值\n"
    short = header + "单选题,政策法规与职业道德,9,10\n"
    await staff.send_document(short.encode(), "组卷.csv", "text/csv")
    assert "总分为 90 分，比要求的 100 分少 10 分" in ((await staff.next_message()).text or "")
    greedy = header + "单选题,政策法规与职业道德,20,5\n"
    await staff.send_document(greedy.encode(), "组卷.csv", "text/csv")
    assert "第 2 行「题数」：题库中「单选题·政策法规与职业道德」只有 12 道，这一行要 20 道，少 8 道" in (
        (await staff.next_message()).text or ""
    )
    good = header + "单选题,政策法规与职业道德,5,10\n判断题,考评要点、方法和技巧,5,10\n"
    await staff.send_document(good.encode(), "组卷.csv", "text/csv")
    done = (await staff.next_message()).text or ""
    assert "共 10 题" in done and "判断题·考评要点、方法和技巧：5 题 × 10 分" in done
    assert await _count(database_url, BlueprintEntry) == 2


async def test_a_blueprint_swap_under_an_open_attempt_waits_for_the_confirm_button(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        clock, _ = await ready(db, 618)
        await begin(db, 618, clock)
    finally:
        await db.dispose()
    staff = bot.staff()
    await choose_plan(staff, "/import_blueprint")
    paper = "题型,分类,题数,每题分值\n单选题,政策法规与职业道德,10,10\n"
    await staff.send_document(paper.encode(), "组卷.csv", "text/csv")
    held = await staff.next_message()
    assert "1 场线上考核正在进行" in (held.text or "") and "确认替换" in held.buttons
    assert sorted(await _entry_counts(database_url)) == [3, 3, 4]
    await staff.press("确认替换")
    assert "组卷方案已生效（共 10 题，100 分）" in ((await staff.next_message()).text or "")
    assert await _entry_counts(database_url) == [10]
    stale = await staff.press("确认替换")
    assert stale is not None and "没有等待确认的替换" in (stale.text or "")


async def _entry_counts(database_url: str) -> list[int]:
    db = Database(database_url)
    try:
        async with db.uow() as uow:
            return list((await uow.session.scalars(select(BlueprintEntry.count))).all())
    finally:
        await db.dispose()
