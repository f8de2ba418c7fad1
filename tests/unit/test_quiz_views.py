"""The quiz screens as the candidate reads them: counter, ticks, callback data within Telegram's 64 bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.handlers.quiz.views import render
from core.quiz.views import QuestionScreen, ResultScreen, ReviewScreen, result_text
from core.rules import QuestionType

TZ = ZoneInfo("Asia/Shanghai")
DEADLINE = datetime(2026, 8, 1, 2, 30, tzinfo=UTC)


def _question(**changes: object) -> QuestionScreen:
    base: dict[str, object] = {
        "attempt_id": 987654321012,
        "revision": 123456789,
        "attempt_no": 2,
        "index": 6,
        "total": 50,
        "type": QuestionType.MULTIPLE,
        "stem": "题干",
        "points": 2,
        "options": ("甲", "乙", "丙", "丁", "戊", "己"),
        "chosen": None,
        "draft": (0, 2),
        "answered": 6,
        "deadline": DEADLINE,
    }
    base.update(changes)
    return QuestionScreen(**base)  # type: ignore[arg-type]


def test_a_question_shows_its_counter_deadline_and_ticks() -> None:
    text, keyboard = render(_question(), TZ)
    assert "第 7/50 题 · 多选题（2 分）" in text and "2026年8月1日 10:30" in text
    assert "已勾选：A、C" in text
    labels = [b.text for row in keyboard.inline_keyboard for b in row] if keyboard else []
    assert labels[:3] == ["☑ A", "☐ B", "☑ C"] and "确认本题答案" in labels


def test_every_callback_fits_in_64_bytes_even_with_large_ids() -> None:
    _, keyboard = render(_question(), TZ)
    assert keyboard is not None
    datas = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert all(isinstance(d, str) and len(d.encode()) <= 64 for d in datas)


def test_true_false_questions_are_answered_by_their_words() -> None:
    text, keyboard = render(
        _question(type=QuestionType.TRUE_FALSE, options=("正确", "错误"), chosen=(1,)), TZ
    )
    assert keyboard is not None and [b.text for b in keyboard.inline_keyboard[0]] == ["正确", "✅ 错误"]
    assert "您的答案：错误" in text


def test_the_answer_sheet_lists_unanswered_questions() -> None:
    text, _ = render(ReviewScreen(1, 1, 10, (3, 7), DEADLINE), TZ)
    assert "已答 8/10 题" in text and "未作答：第 3、7 题" in text


def test_a_result_gives_score_and_verdict_but_no_answers() -> None:
    text = result_text(ResultScreen(1, 89, False, 90, 89, 1, False))
    assert "得分：89 分" in text and "不合格" in text and "还有 1 次" in text and "不公布标准答案" in text
    assert "合格 ✅" in result_text(ResultScreen(2, 90, True, 90, 90, 0, False))
