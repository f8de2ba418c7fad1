"""Done-when for #13: on an empty database, staff set up a whole programme only through the bot, and a
candidate then registers for that plan, is approved, studies and passes the quiz.

The bot runs in token mode against the emulator (no demo seeding); the database starts migrated and empty.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources

from sqlalchemy import func, select

from core.db.models import Batch, BlueprintEntry, CourseModule, Institution, Plan, User
from emulator import EmulatedUser
from tests.e2e.batch_steps import new_batch_by_dialog
from tests.e2e.factories import csv_bytes, institution_rows, message_containing
from tests.e2e.harness import BotHarness
from tests.e2e.profile_steps import fill_required, jpeg, pick, reply_to
from tests.e2e.study_chat import answer_questions, hand_in, start_quiz, study_whole_course
from tests.e2e.study_factories import FakeClock, answer_key, install_clock
from tests.e2e.test_plans_bot import create_plan
from tests.e2e.test_registration_flow import PDF, enter_certificate

PLAN_NO = "2026120000000019"
TELECOM = "中国电信股份有限公司安徽分公司"
# ten questions of ten points keep the quiz short; the same shape as the shipped paper, typed as staff would
BLUEPRINT = """
[[item]]
type = "单选题"
category = "政策法规与职业道德"
count = 4
points = 10

[[item]]
type = "多选题"
category = "考评要点、方法和技巧"
count = 3
points = 10

[[item]]
type = "判断题"
category = "政策法规与职业道德"
count = 3
points = 10
""".encode()


async def choose_plan(staff: EmulatedUser, command: str) -> None:
    """Send the import command and press the plan's button, as the import asks."""
    await staff.send_command(command)
    menu = await staff.next_message()
    await staff.press(next(b for b in menu.buttons if b.startswith(PLAN_NO)))
    await staff.next_message()


def shipped(name: str) -> bytes:
    return resources.files("core.content").joinpath(name).read_bytes()


async def counts(bot: BotHarness) -> dict[str, int]:
    async with bot.running.bot_data.db.uow() as uow:
        s = uow.session
        return {
            name: int(await s.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in (
                ("users", User),
                ("institutions", Institution),
                ("plans", Plan),
                ("modules", CourseModule),
                ("blueprint", BlueprintEntry),
                ("batches", Batch),
            )
        }


async def staff_sets_up_the_programme(bot: BotHarness) -> None:
    """Institutions, plan, course, bank, blueprint, batch: each through the bot, as the checklist asks."""
    staff = bot.staff()
    await staff.send_command("/start")
    await staff.next_message()
    assert "还差 6 项" in (await staff.next_message()).text

    await staff.press("导入评价机构名录")
    await staff.next_message()
    await staff.send_document(csv_bytes(institution_rows()), "机构名录.csv", "text/csv")
    assert "新增 3 条" in (await staff.next_message()).content

    await create_plan(bot, PLAN_NO)

    await choose_plan(staff, "/import_course")
    await staff.send_document(shipped("course.toml"), "course.toml", "application/toml")
    assert "课程已导入" in (await message_containing(staff, "课程")).content

    await choose_plan(staff, "/import_questions")
    await staff.send_document(shipped("question_bank.csv"), "question_bank.csv", "text/csv")
    assert "题库已导入" in (await message_containing(staff, "题库")).content

    await choose_plan(staff, "/import_blueprint")
    await staff.send_document(BLUEPRINT, "组卷方案.toml", "application/toml")
    assert "组卷方案已生效" in (await message_containing(staff, "组卷")).content

    day = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    done = await new_batch_by_dialog(staff, PLAN_NO, day, "09:00", "合肥市蜀山区 省职业技能鉴定中心三楼", 60)
    assert "已创建线下培训批次" in done, done

    await staff.send_command("/start")
    await staff.next_message()
    await staff.expect_silence(0.3)  # the checklist is complete, so it is not shown any more


async def candidate_registers(bot: BotHarness) -> None:
    """Profile, photo, the plan staff created, a certificate with its proof, the pledge, submission."""
    user = bot.user(4001, "张三")
    await user.send_command("/start")
    await user.next_message()
    await fill_required(user, 41)
    await user.press("选好了")
    await user.next_message()
    await reply_to(user, "电信")
    await pick(user, TELECOM)
    await user.press("跳过")
    await user.next_message()
    await user.send_photo(jpeg())
    await user.next_message()
    await user.press("确认无误")
    await user.next_message()

    await user.send_text("我的报名")
    assert "可以报名的考评计划" in (await user.next_message()).content
    await user.press(f"{PLAN_NO} 技能人才评价考评员培训")
    assert "可报考职业：电工、焊工、砌筑工" in (await user.next_message()).content
    await user.press("报考：电工")
    await user.next_message()
    await enter_certificate(user, "S20150601001")
    await user.next_message()
    await user.next_message()
    await user.send_document(PDF, "证书扫描件.pdf", "application/pdf")
    await user.next_message()
    await user.press("上传完毕")
    await user.next_message()
    await user.press("确认诚信承诺")
    await user.next_message()
    await user.press("我已阅读并承诺")
    await user.next_message()
    await user.next_message()
    await user.press("提交报名")
    assert "报名已提交" in (await user.next_message()).content
    await user.next_message()


async def staff_approves(bot: BotHarness) -> None:
    staff = bot.staff()
    await staff.send_command("/staff")
    await staff.next_message()
    await staff.press("审核队列")
    review = await message_containing(staff, "待审核报名 1/1")
    await staff.press("✅ 审核通过", message_id=review.message_id)
    assert "已通过" in (await message_containing(staff, "已通过")).content
    assert "审核通过" in (await bot.user(4001).next_message()).content


async def test_a_programme_set_up_from_an_empty_database_through_the_bot_takes_a_candidate_to_a_pass(
    bot: BotHarness, database_url: str
) -> None:
    assert await counts(bot) == dict.fromkeys(
        ("users", "institutions", "plans", "modules", "blueprint", "batches"), 0
    )
    await staff_sets_up_the_programme(bot)
    made = await counts(bot)
    assert (made["institutions"], made["plans"], made["modules"], made["blueprint"], made["batches"]) == (
        3,
        1,
        6,
        3,
        1,
    )

    await candidate_registers(bot)
    await staff_approves(bot)

    clock = FakeClock()
    install_clock(bot, clock)
    user = bot.user(4001)
    await study_whole_course(user, clock)
    question = await start_quiz(user)
    sheet = await answer_questions(user, question, await answer_key(database_url), right=9)
    result = await hand_in(user, sheet)
    assert "得分：90 分" in (result.text or "") and "合格 ✅" in (result.text or "")
