"""Helpers for profile e2e tests: images made with Pillow, and a candidate walking the whole profile."""

from __future__ import annotations

import io

from PIL import Image

from emulator import BotMessage, EmulatedUser
from tests.e2e.factories import resident_id_for

RESIDENT = "居民身份证(中国大陆)"


def jpeg(width: int = 300, height: int = 400, quality: int = 85, noise: bool = False) -> bytes:
    """A real JPEG of the given size; with noise it compresses badly (for oversize tests)."""
    if noise:
        import os

        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 180, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(width: int = 300, height: int = 400) -> bytes:
    """A real PNG of the given size."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def reply_to(user: EmulatedUser, text: str) -> BotMessage:
    """Send text and return the bot's next message."""
    await user.send_text(text)
    return await user.next_message()


async def answer(user: EmulatedUser, text: str) -> BotMessage:
    """Send a valid answer: one message confirms it (已保存) and asks the next question."""
    question = await reply_to(user, text)
    assert question.content.startswith("已保存"), question.content
    return question


async def pick(user: EmulatedUser, label: str) -> BotMessage:
    """Press a choice: one message confirms it and asks the next question."""
    await user.press(label)
    question = await user.next_message()
    assert question.content.startswith("已保存"), question.content
    return question


async def give_consent(user: EmulatedUser) -> None:
    """Agree to the 个人信息处理告知 and, separately, to the sensitive information (ID number, photo)."""
    notice = await user.next_message()
    assert "个人信息处理告知" in notice.content, notice.content
    await user.press("同意并继续", message_id=notice.message_id)
    sensitive = await user.next_message()
    assert "敏感个人信息" in sensitive.content, sensitive.content
    await user.press("同意处理敏感个人信息", message_id=sensitive.message_id)


async def open_profile(user: EmulatedUser) -> BotMessage:
    """Open 个人信息 on a new profile: consent, the intro, then the first question (证件类型), returned."""
    await user.send_text("个人信息")
    await give_consent(user)
    await user.next_message()  # intro
    question = await user.next_message()
    assert "证件类型" in question.content
    return question


async def fill_required(user: EmulatedUser, n: int = 1, id_number: str | None = None) -> BotMessage:
    """From 个人信息 to the first work-info question, with valid answers; returns that question."""
    await fill_until_address(user, n, id_number)
    return await answer(user, "合肥市蜀山区长江西路 100 号")


async def fill_until_address(user: EmulatedUser, n: int = 1, id_number: str | None = None) -> BotMessage:
    """From 个人信息 to the 联系地址 question, with valid answers; returns that question."""
    await open_profile(user)
    question = await pick(user, RESIDENT)
    assert "证件号码" in question.content
    question = await answer(user, id_number or resident_id_for(n, 1000 + n))
    assert "姓名" in question.content
    question = await pick(user, "大学本科") if "学历" in question.content else await answer(user, "张三")
    question = await pick(user, "大学本科")
    question = await answer(user, "13812345678")
    question = await answer(user, f"c{n}@example.com")
    question = await answer(user, "230001")
    assert "报考区域" in question.content
    question = await pick(user, "省直")
    question = await pick(user, "企业职工")
    assert "联系地址" in question.content
    return question
