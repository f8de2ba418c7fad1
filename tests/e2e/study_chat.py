"""Chat steps shared by the study and quiz end-to-end tests: study the course, read and answer questions."""

from __future__ import annotations

import re

from emulator import BotMessage, EmulatedUser
from tests.e2e.study_factories import FakeClock

LETTERS = "ABCDEF"


async def study_whole_course(user: EmulatedUser, clock: FakeClock) -> BotMessage:
    """Open every module from the course list, study its full time, finish it; return the last reply."""
    await user.send_text("培训学习")
    overview = await user.next_message()
    titles = [label for label in overview.buttons if label.startswith("📖 ")]
    assert len(titles) == 6, overview.buttons
    last = overview
    for title in titles:
        await user.press(title)
        module = await user.next_message()
        assert "已开始计时" in (module.text or "")
        clock.advance(minutes=30)
        await user.press("学完了", message_id=module.message_id)
        last = await user.next_message()
        assert "本次计入 30 分钟" in (last.text or ""), last.text
    return last


def parse_question(message: BotMessage) -> tuple[str, str, dict[str, str]]:
    """The question's type, stem and its options by label (letters, or 正确/错误)."""
    text = message.text or ""
    parts = text.split("\n\n")
    kind = re.search(r"· (单选题|多选题|判断题)", parts[0])
    assert kind is not None, text
    stem = parts[1]
    if kind[1] == "判断题":
        return kind[1], stem, {"正确": "正确", "错误": "错误"}
    options = dict(line.split(". ", 1) for line in parts[2].splitlines())
    return kind[1], stem, options


async def edited(user: EmulatedUser, message_id: int) -> BotMessage:
    """Wait for the bot to redraw one message, and return its new state."""
    while True:
        event = await user.next_event()
        if event.kind == "edit" and event.message.message_id == message_id:
            return event.message


async def answer(
    user: EmulatedUser, message: BotMessage, key: dict[str, frozenset[str]], right: bool
) -> BotMessage:
    """Answer the question shown in `message` rightly or wrongly; return the redrawn message."""
    kind, stem, options = parse_question(message)
    good = [label for label, text in options.items() if text in key[stem]]
    bad = [label for label in options if label not in good]
    chosen = good if right else (bad[:1] or good[:1])
    if kind == "多选题":
        current = message
        for label in chosen:
            await user.press(f"☐ {label}", message_id=message.message_id)
            current = await edited(user, message.message_id)
        await user.press("确认本题答案", message_id=current.message_id)
    else:
        await user.press(chosen[0], message_id=message.message_id)
    return await edited(user, message.message_id)


async def answer_questions(
    user: EmulatedUser, message: BotMessage, key: dict[str, frozenset[str]], right: int, count: int = 10
) -> BotMessage:
    """Answer `count` questions in order, the first `right` of them correctly."""
    for n in range(count):
        message = await answer(user, message, key, right=n < right)
    return message


async def start_quiz(user: EmulatedUser) -> BotMessage:
    """From a message with the start button: confirm and return the first question."""
    await user.press("开始线上考核")
    confirm = await user.next_message()
    assert "点「确认开始」即计为使用一次机会" in (confirm.text or "")
    await user.press("确认开始", message_id=confirm.message_id)
    first = await user.next_message()
    assert "第 1/10 题" in (first.text or ""), first.text
    return first


async def hand_in(user: EmulatedUser, message: BotMessage) -> BotMessage:
    """Submit from a question or the answer sheet, confirming; return the result."""
    await user.press("交卷", message_id=message.message_id)
    confirm = await edited(user, message.message_id)
    assert "确认交卷吗" in (confirm.text or "")
    await user.press("确认交卷", message_id=message.message_id)
    return await edited(user, message.message_id)
