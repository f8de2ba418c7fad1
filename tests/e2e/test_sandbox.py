"""The sandbox page's API over the real bot and emulator: only without a token; its clock drives the rules."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.sandbox import RunningSandbox, start_sandbox
from core.db import Database
from core.db.models import Plan, QuizAttempt
from core.demo import DEMO_PLAN_NO
from core.settings import Settings
from tests.e2e.harness import BotHarness
from tests.e2e.study_chat import study_whole_course
from tests.e2e.study_factories import make_candidate

HEADERS = {"X-Sandbox": "1"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_with_a_token_there_is_no_sandbox_page_and_no_clock(bot: BotHarness) -> None:
    assert bot.running.bot_data.sandbox is None
    assert not any("clock" in f.name or "sandbox" in f.name for f in dataclasses.fields(Settings))
    async with aiohttp.ClientSession() as http:
        for path in ("/sandbox", "/sandbox/api/state", "/sandbox/static/sandbox.js", "/sandbox/ws"):
            async with http.get(bot.web_url + path) as response:
                assert response.status == 404, path
        async with http.post(bot.web_url + "/sandbox/api/clock", json={"step": "day"}, headers=HEADERS) as r:
            assert r.status == 404
        async with http.get(bot.web_url + "/healthz") as response:
            assert response.status == 200


@pytest.fixture
async def sandbox(database_url: str, tmp_path: Path) -> AsyncIterator[RunningSandbox]:
    """The sandbox as `python -m bot` starts it without a token, on this test's database."""
    settings = Settings.from_env({"DATABASE_URL": database_url, "WEB_PORT": "0"})
    running = await start_sandbox(settings, tmp_path / "sandbox")
    running.emulator.disable_rate_limits()
    yield running
    await running.stop()


def base(sandbox: RunningSandbox) -> str:
    return sandbox.url.removesuffix("/sandbox")


async def post(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with http.post(url, json=body, headers=HEADERS) as response:
        return response.status, await response.json()


async def test_the_page_lists_personas_and_chats_as_one_of_them(sandbox: RunningSandbox) -> None:
    root = base(sandbox)
    async with aiohttp.ClientSession() as http:
        async with http.get(root + "/sandbox") as page:
            assert page.status == 200 and "sandbox.js" in await page.text()
        async with http.get(root + "/sandbox/api/state") as response:
            state = await response.json()
        roles = [p["role"] for p in state["personas"]]
        assert roles.count("candidate") >= 2 and "staff" in roles and "liaison" in roles
        assert state["texts"]["sandbox.clock.hour"] == "+1 小时"
        candidate = state["personas"][0]["id"]
        chat_url = root + f"/sandbox/api/chat/{candidate}"
        async with http.post(chat_url + "/send", json={"text": "/start"}) as refused:
            assert refused.status == 403  # a foreign page cannot post without the header
        status, _ = await post(http, chat_url + "/send", {"text": "/start"})
        assert status == 200
        welcome = await sandbox.emulator.users[candidate].next_message()
        async with http.get(chat_url) as response:
            chat = await response.json()
        assert [m["out"] for m in chat["messages"][:2]] == [True, False]
        assert chat["messages"][1]["id"] == welcome.message_id
        assert chat["keyboard"] and chat["commands"]
        assert chat["persona"]["unread"] >= 1
        status, read = await post(http, chat_url + "/read", {"up_to": welcome.message_id})
        assert read["unread"] == 0


async def test_the_clock_moves_forward_and_jumps_to_the_next_window_close(sandbox: RunningSandbox) -> None:
    root = base(sandbox)
    async with aiohttp.ClientSession() as http:
        status, clock = await post(http, root + "/sandbox/api/clock", {"step": "hour"})
        assert status == 200 and clock["offset"] == "已拨快 1 小时"
        assert sandbox.app.bot_data.clock() - sandbox.session.clock() < timedelta(seconds=1)
        status, refused = await post(http, root + "/sandbox/api/clock", {"step": "back"})
        assert status == 400 and "不认识的拨钟方式" in refused["error"]
        status, clock = await post(http, root + "/sandbox/api/clock", {"step": "close"})
        assert status == 200 and "学习截止" in clock["next_close"]
    db = Database(sandbox.app.bot_data.settings.database_url)
    try:
        async with db.uow() as uow:
            plan = await uow.session.scalar(select(Plan).where(Plan.plan_no == DEMO_PLAN_NO))
            assert plan is not None
            closes = plan.registration_end + timedelta(days=1)
    finally:
        await db.dispose()
    tz = sandbox.app.bot_data.settings.timezone
    assert sandbox.session.clock().astimezone(tz).date() == closes


class SandboxClockSteps:
    """Study minutes pass on the sandbox clock itself, as the page's buttons move it."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox

    def advance(self, **delta: float) -> None:
        self.sandbox.session.clock.advance(timedelta(**delta))


async def test_moving_the_clock_past_the_time_limit_hands_the_quiz_in(sandbox: RunningSandbox) -> None:
    candidate = sandbox.session.personas[0].id
    db = Database(sandbox.app.bot_data.settings.database_url)
    try:
        async with db.uow() as uow:
            plan_id = await uow.session.scalar(select(Plan.id).where(Plan.plan_no == DEMO_PLAN_NO))
        assert plan_id is not None
        await make_candidate(db, candidate, plan_id)
        user = sandbox.emulator.user(candidate)
        await user.send_command("/start")
        await user.next_message()
        last = await study_whole_course(user, SandboxClockSteps(sandbox))  # type: ignore[arg-type]
        assert "开始线上考核" in last.buttons
        await user.press("开始线上考核")
        confirm = await user.next_message()
        await user.press("确认开始", message_id=confirm.message_id)
        assert "第 1/40 题" in (await user.next_message()).content
        async with aiohttp.ClientSession() as http:
            status, _ = await post(http, base(sandbox) + "/sandbox/api/clock", {"step": "hour"})
        assert status == 200
        result = await user.next_message(timeout=15)
        assert "考核时间已到，系统已自动交卷" in result.content, result.content
        async with db.uow() as uow:
            attempt = await uow.session.scalar(select(QuizAttempt))
            assert attempt is not None and attempt.submitted_at is not None
    finally:
        await db.dispose()


async def test_quitting_and_starting_again_resumes_the_chats_and_the_clock(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings.from_env({"DATABASE_URL": database_url, "WEB_PORT": "0"})
    first = await start_sandbox(settings, tmp_path / "sandbox")
    candidate = first.session.personas[0].id
    try:
        user = first.emulator.user(candidate)
        await user.send_command("/start")
        welcome = await user.next_message()
        first.session.clock.advance(timedelta(days=2))
    finally:
        await first.stop()
    again = await start_sandbox(settings, tmp_path / "sandbox")
    try:
        assert again.session.clock.offset == timedelta(days=2)
        user = again.emulator.user(candidate)
        assert user.bot_messages[welcome.message_id].text == welcome.text
        assert [m["id"] for m in again.session.history(again.session.personas[0])][:2] == [1, 2]
        await user.send_text("考生须知")
        answer = await user.next_message()
        assert "重新启动" not in answer.content and answer.message_id > welcome.message_id
    finally:
        await again.stop()


async def test_uploads_reach_the_bot_and_files_open_or_download_by_type(sandbox: RunningSandbox) -> None:
    root = base(sandbox)
    staff = next(p for p in sandbox.session.personas if p.role == "staff")
    chat_url = root + f"/sandbox/api/chat/{staff.id}"
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("file", b"PK\x03\x04 not really a workbook", filename="名录.xlsx", content_type=XLSX)
        async with http.post(chat_url + "/upload", data=form, headers=HEADERS) as response:
            assert response.status == 200
            sent_id = (await response.json())["id"]
        sent = sandbox.emulator.user(staff.id).user_messages[sent_id]
        assert sent["document"]["file_name"] == "名录.xlsx"
        async with http.get(chat_url) as response:
            shown = (await response.json())["messages"][-1]["document"]
        assert shown["name"] == "名录.xlsx" and shown["inline"] is False
        async with http.get(root + shown["url"]) as response:
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert await response.read() == b"PK\x03\x04 not really a workbook"
        pdf = sandbox.emulator.files.add(b"%PDF-1.4", "documents", "准考证.pdf", "application/pdf")
        async with http.get(root + f"/sandbox/files/{pdf.file_id}") as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.headers["Content-Disposition"].startswith("inline")
        async with http.get(root + "/sandbox/files/EMUDOC99999999AAQ") as response:
            assert response.status == 404
