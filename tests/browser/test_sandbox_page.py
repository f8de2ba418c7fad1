"""The whole programme in the sandbox page, clicked through in headless Chromium, with a restart on the way.

A candidate fills in the profile (typing an ID number), uploads a photo, registers; staff approve in the
staff persona and invite a liaison, whose link opens in the liaison persona; the sandbox clock moves past
180 minutes of study; the sandbox is quit and started again and
the chat is still there; the quiz is taken to its score; staff seat the candidate; the ticket PDF opens.
"""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import async_playwright

from core.demo import DEMO_PLAN_NO
from tests.browser.sandbox_page import CHROMIUM, Chat, SandboxProcess, open_browser
from tests.e2e.factories import resident_id_for
from tests.e2e.study_chat import parse_question
from tests.e2e.study_factories import answer_key

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Debian's chromium (dev.py test installs it)"
    ),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def sandbox(tmp_path: Path, database_url: str) -> AsyncIterator[SandboxProcess]:
    process = SandboxProcess(tmp_path, database_url)
    await process.start()
    yield process
    await process.stop()


def portrait_jpeg(path: Path) -> Path:
    image = Image.new("RGB", (300, 400), (200, 180, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


async def fill_profile(chat: Chat, photo: Path) -> None:
    await chat.page.click("#start-button")
    await chat.page.locator("#reply-keyboard").get_by_role("button", name="个人信息").wait_for()
    await chat.key("个人信息", "个人信息处理告知")
    await chat.tap("同意并继续", "敏感个人信息")
    await chat.tap("同意处理敏感个人信息", "请选择证件类型")
    await chat.tap("居民身份证(中国大陆)", "请输入证件号码")
    await chat.say(resident_id_for(77, 1077), "请输入姓名")
    await chat.say("张三", "请选择最高学历")
    await chat.tap("大学本科", "请输入手机号码")
    await chat.say("13812345678", "请输入电子邮箱")
    await chat.say("zhangsan@example.com", "请输入邮政编码")
    await chat.say("230001", "请选择报考区域")
    await chat.tap("省直", "请选择考生类别")
    await chat.tap("企业职工", "请输入联系地址")
    await chat.say("合肥市蜀山区长江西路 100 号", "以下为工作信息")
    await chat.tap("选好了", "请输入工作单位名称")
    await chat.say("电信", "找到以下与「电信」相关的评价机构")
    await chat.tap("中国电信股份有限公司安徽分公司", "请输入参加工作时间")
    await chat.tap("跳过", "请上传近期免冠照片")
    await chat.upload(photo, "个人信息核对")
    await chat.tap("确认无误", "个人信息已确认保存")


async def register(chat: Chat, proof: Path) -> None:
    await chat.key("我的报名", "可以报名的考评计划")
    await chat.tap(DEMO_PLAN_NO, "报名时间", exact=False)
    await chat.tap("报考：电工", "报名状态：未提交")
    await chat.tap("添加证书", "证书")
    await chat.tap("职业资格/技能等级证书", "职业")
    await chat.tap("电工", "等级")
    await chat.tap("三级/高级工", "证书编号")
    await chat.say("S20150601001", "发证单位")
    await chat.say("安徽省职业技能鉴定中心", "发证日期")
    await chat.say("2015-06-01", "系统未能自动核验")
    await chat.drop(proof.name, PDF, "application/pdf", "已收到第 1 份")
    await chat.tap("上传完毕", "已上传佐证 1 份")
    await chat.tap("确认诚信承诺", "诚信承诺")
    await chat.tap("我已阅读并承诺", "已确认诚信承诺")
    await chat.tap("提交报名", "报名已提交")


async def study(chat: Chat) -> str:
    overview = await chat.key("培训学习", "培训学习")
    titles = [
        t for t in await overview.locator(".inline-keyboard button").all_inner_texts() if t.startswith("📖")
    ]
    assert len(titles) == 6, titles
    offset = ""
    for title in titles:
        await chat.tap(title, "已开始计时")
        offset = await chat.clock("+1 小时")
        await chat.tap("学完了", "本次计入 30 分钟")
    return offset


async def take_quiz(chat: Chat, key: dict[str, frozenset[str]]) -> str:
    await chat.tap("开始线上考核", "点「确认开始」即计为使用一次机会")
    first = await chat.tap("确认开始", "第 1/40 题")
    message_id = await first.get_attribute("data-id")
    bubble = chat.page.locator(f"#m-{message_id}")

    async def press(label: str) -> None:
        before = await bubble.inner_text()
        await bubble.get_by_role("button", name=label, exact=True).click()
        await chat.page.wait_for_function(
            "([id, old]) => { const el = document.getElementById(id); return el && el.innerText !== old; }",
            arg=[f"m-{message_id}", before],
        )

    for _ in range(40):
        text = await bubble.locator(".text").inner_text()
        kind, stem, options = parse_question(_Shown(text))  # type: ignore[arg-type]
        good = [label for label, option in options.items() if option in key[stem]]
        if kind == "多选题":
            for label in good:
                await press(f"☐ {label}")
            await press("确认本题答案")
        else:
            await press(good[0])
    await press("交卷")
    assert "确认交卷吗" in await bubble.inner_text()
    await press("确认交卷")
    return await bubble.locator(".text").inner_text()


class _Shown:
    """The question as the page shows it, in the shape parse_question reads."""

    def __init__(self, text: str) -> None:
        self.text = text


async def test_a_person_plays_candidate_staff_and_clock_through_to_the_ticket(
    sandbox: SandboxProcess, tmp_path: Path, database_url: str
) -> None:
    shots = tmp_path / "screens"
    shots.mkdir()
    photo = portrait_jpeg(tmp_path / "证件照.jpg")
    proof = tmp_path / "证书扫描件.pdf"
    proof.write_bytes(PDF)
    async with async_playwright() as playwright:
        browser = await open_browser(playwright, tmp_path / "chromium-profile")
        page = browser.pages[0] if browser.pages else await browser.new_page()
        chat = Chat(page, shots)
        await page.goto(sandbox.url)
        assert await page.title() == "考评员培训机器人 · 本地体验"
        await page.locator("#personas li").first.wait_for()
        assert await page.locator("#personas li").count() == 5

        # 1. the candidate: profile with a typed ID number, a photo by the file picker, the registration
        await fill_profile(chat, photo)
        assert await page.locator("#messages img.photo").count() == 1
        await chat.shot("1-profile")
        await register(chat, proof)
        await chat.shot("2-registered")

        # 2. staff approve in the staff persona; the candidate's chat shows an unread badge
        await chat.persona("王老师")
        await page.click("#start-button")
        await page.locator("#messages .msg.in").first.wait_for()
        await page.click("#menu-button")
        assert await page.locator("#command-menu button", has_text="/start").count() == 1
        await page.click("#menu-button")
        await chat.say("/staff", "鉴定中心工作台")
        await chat.tap("审核队列", "待审核报名 1/1", exact=False)
        await chat.tap("✅ 审核通过", "已通过 张三 的报名")
        badge = page.locator("#personas li", has_text="张三").locator(".badge")
        await badge.wait_for()
        await chat.shot("3-staff-approved")

        # 3. staff send a liaison invitation; its t.me link opens in the liaison persona, who reads the roster
        await chat.say("/staff", "鉴定中心工作台")
        await chat.tap("邀请联络人", "请选择机构")
        telecom = "中国电信股份有限公司安徽分公司"
        invitation = await chat.tap(f"邀请联络人：{telecom}", "联络人邀请链接", exact=False)
        await invitation.locator(".text a", has_text="t.me/examiner_sandbox_bot?start=inv_").click()
        suggested = page.locator("#modal-actions button.suggested")
        assert "赵联络" in (await suggested.inner_text())
        await chat.after(suggested.click, "您已成为「中国电信股份有限公司安徽分公司」的联络人")
        assert (await page.text_content("#chat-title") or "").startswith("赵联络")
        roster = await chat.say("/roster", "花名册：中国电信股份有限公司安徽分公司")
        shown = await roster.inner_text()
        assert "共 1 人" in shown and "· 审核通过：1" in shown and "张三" in shown
        await chat.shot("3b-liaison-roster")

        await chat.persona("张三")
        assert await chat.bubbles("审核通过").count() >= 1

        # 4. the sandbox clock moves past 180 minutes of study
        offset = await study(chat)
        assert offset == "已拨快 6 小时"
        done = chat.bubbles("本次计入 30 分钟").last
        assert "开始线上考核" in await done.inner_text()
        await chat.shot("4-studied")

        # 5. quit and start again: the chat, the clock and the person's place come back
        assert await sandbox.stop() == 0
        url = await sandbox.start()
        await page.goto(url + "#p=10001")
        await page.locator("#messages .msg").first.wait_for()
        assert await chat.bubbles("报名已提交").count() == 1
        assert await page.text_content("#clock-offset") == "已拨快 6 小时"
        await chat.say("考生须知", "考生须知")
        assert await chat.bubbles("系统刚才重新启动过").count() == 0

        # 6. the quiz, answered in the page, to its score
        result = await take_quiz(chat, await answer_key(database_url))
        assert "第 1 次线上考核已交卷" in result and "100" in result, result
        await chat.shot("5-quiz-scored")

        # 7. staff seat the candidate in the first batch; the ticket PDF opens in the browser
        await chat.persona("王老师")
        listing = await chat.say("/batches", "线下培训批次")
        batch = re.search(r"#(\d+) 第1期线下培训", await listing.inner_text())
        assert batch, await listing.inner_text()
        await chat.say(f"/batch_assign {batch.group(1)}", "安排 1 人")
        await chat.persona("张三")
        await chat.bubbles("准考证号").last.wait_for()
        ticket_bubble = await chat.key("打印准考证", ".pdf")
        link = ticket_bubble.locator("a.doc")
        assert await link.get_attribute("target") == "_blank"
        await chat.shot("6-ticket")
        async with browser.expect_page() as opened:
            await link.click()
        ticket_page = await opened.value
        href = await link.get_attribute("href") or ""
        response = await page.request.get(url.removesuffix("/sandbox") + href)
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("inline")
        pdf = await response.body()
        assert pdf.startswith(b"%PDF")
        (tmp_path / "ticket.pdf").write_bytes(pdf)
        shown = await asyncio.to_thread(
            subprocess.run,
            ["pdftotext", str(tmp_path / "ticket.pdf"), "-"],
            capture_output=True,
            check=True,
            text=True,
        )
        text = shown.stdout
        assert "张三" in text and "准考证" in text
        assert ticket_page.url.endswith(href)
        chat.assert_no_script_errors()
        await browser.close()
    assert sorted(p.name for p in shots.iterdir()) == [
        "1-profile.png",
        "2-registered.png",
        "3-staff-approved.png",
        "3b-liaison-roster.png",
        "4-studied.png",
        "5-quiz-scored.png",
        "6-ticket.png",
    ]
