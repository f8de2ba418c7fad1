"""Study credit, the quiz paper and its attempts, and offline batches."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.errors import InvalidInput
from core.rules import (
    Blueprint,
    BlueprintItem,
    Question,
    QuestionType,
    Window,
    answers_revealed,
    attempt_deadline,
    best_score,
    can_assign_batch,
    can_start_attempt,
    credit_for_session,
    draw_attempt,
    examinable_levels,
    module_done,
    passed,
    progress_bar,
    quiz_unlocked,
    redraw_due,
    score_attempt,
    study_refusal,
    total_credit,
    validate_blueprint,
)

SH = ZoneInfo("Asia/Shanghai")
STUDY = Window.from_dates(date(2024, 7, 30), date(2024, 8, 27), SH)
DURING = datetime(2024, 8, 1, 10, 0, tzinfo=SH)
ZERO = timedelta(0)


def at(hour: int, minute: int = 0, day: int = 1, month: int = 8) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=SH)


def test_a_session_earns_the_server_time_between_open_and_finish() -> None:
    assert credit_for_session(at(10), at(10, 25), 30, ZERO, STUDY) == timedelta(minutes=25)


def test_credit_is_capped_at_what_the_module_has_left() -> None:
    assert credit_for_session(at(10), at(12), 30, ZERO, STUDY) == timedelta(minutes=30)
    assert credit_for_session(at(10), at(10, 25), 30, timedelta(minutes=20), STUDY) == timedelta(minutes=10)


def test_reopening_a_finished_module_adds_nothing() -> None:
    assert credit_for_session(at(10), at(11), 30, timedelta(minutes=30), STUDY) == ZERO


def test_only_the_part_of_a_session_inside_the_study_window_counts() -> None:
    before = credit_for_session(at(23, 50, day=29, month=7), at(0, 10, day=30, month=7), 60, ZERO, STUDY)
    assert before == timedelta(minutes=10)
    after = credit_for_session(at(23, 50, day=27), at(0, 30, day=28), 60, ZERO, STUDY)
    assert after == timedelta(minutes=10)
    assert credit_for_session(at(9, day=28), at(10, day=28), 60, ZERO, STUDY) == ZERO


def test_a_finish_before_the_open_earns_nothing() -> None:
    assert credit_for_session(at(11), at(10), 30, ZERO, STUDY) == ZERO


def test_total_credit_is_whole_minutes_rounded_down() -> None:
    assert total_credit([timedelta(minutes=100), timedelta(minutes=79, seconds=59)]) == 179
    assert total_credit([]) == 0


def test_the_quiz_unlocks_at_180_minutes() -> None:
    assert not quiz_unlocked(179)
    assert quiz_unlocked(180)


def test_progress_bar_shows_blocks_and_numbers() -> None:
    assert progress_bar(120, 180) == "▓▓▓▓▓▓░░░░ 120/180"
    assert progress_bar(0, 180) == "░░░░░░░░░░ 0/180"
    assert progress_bar(200, 180) == "▓▓▓▓▓▓▓▓▓▓ 180/180"
    assert progress_bar(1, 3, width=3) == "▓░░ 1/3"


def bank() -> list[Question]:
    """A small bank: 10 single, 6 multiple and 10 true/false questions in two categories."""
    questions = []
    for i in range(10):
        category = "政策" if i % 2 else "规范"
        questions.append(
            Question(
                f"s{i}", QuestionType.SINGLE, category, f"单选{i}", ("A", "B", "C", "D"), frozenset({i % 4})
            )
        )
        questions.append(
            Question(
                f"t{i}", QuestionType.TRUE_FALSE, "规范", f"判断{i}", ("正确", "错误"), frozenset({i % 2})
            )
        )
    for i in range(6):
        questions.append(
            Question(
                f"m{i}",
                QuestionType.MULTIPLE,
                "规范",
                f"多选{i}",
                ("A", "B", "C", "D", "E"),
                frozenset({0, 2}),
            )
        )
    return questions


BLUEPRINT = Blueprint(
    (
        BlueprintItem(QuestionType.SINGLE, "政策", 5, 4),
        BlueprintItem(QuestionType.SINGLE, "规范", 5, 4),
        BlueprintItem(QuestionType.MULTIPLE, "规范", 4, 5),
        BlueprintItem(QuestionType.TRUE_FALSE, "规范", 10, 4),
    )
)


def test_a_blueprint_must_total_100_points() -> None:
    validate_blueprint(BLUEPRINT, bank())
    short = Blueprint(BLUEPRINT.items[:3])
    with pytest.raises(InvalidInput) as info:
        validate_blueprint(short)
    assert info.value.key == "rules.quiz.blueprint_total"
    assert info.value.params == {"total": 60}


def test_a_blueprint_the_bank_cannot_fill_is_refused() -> None:
    greedy = Blueprint(
        (
            BlueprintItem(QuestionType.MULTIPLE, "规范", 10, 5),
            BlueprintItem(QuestionType.SINGLE, "规范", 5, 10),
        )
    )
    with pytest.raises(InvalidInput) as info:
        validate_blueprint(greedy, bank())
    assert info.value.key == "rules.quiz.bank_short"
    assert info.value.params["have"] == 6


def test_zero_counts_are_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_blueprint(Blueprint((BlueprintItem(QuestionType.SINGLE, "政策", 0, 100),)))
    assert info.value.key == "rules.quiz.blueprint_counts"


def test_the_same_seed_draws_the_same_paper_and_another_seed_a_different_one() -> None:
    first = draw_attempt(bank(), BLUEPRINT, random.Random(7))
    again = draw_attempt(bank(), BLUEPRINT, random.Random(7))
    other = draw_attempt(bank(), BLUEPRINT, random.Random(8))
    assert first == again
    assert first != other
    assert len(first) == 24 and len({q.question_id for q in first}) == 24
    assert sum(q.points for q in first) == 100


def test_options_are_shuffled_with_the_answer_following_them() -> None:
    source = {q.id: q for q in bank()}
    papers = [draw_attempt(bank(), BLUEPRINT, random.Random(seed)) for seed in range(5)]
    orders = set()
    for paper in papers:
        for drawn in paper:
            original = source[drawn.question_id]
            assert sorted(drawn.options) == sorted(original.options)
            assert {drawn.options[i] for i in drawn.answer} == {original.options[i] for i in original.answer}
            if drawn.type is QuestionType.TRUE_FALSE:
                assert drawn.options == ("正确", "错误")
            else:
                orders.add(drawn.options)
    assert len(orders) > 1


def test_scoring_needs_exact_answers_and_multiple_choice_has_no_partial_credit() -> None:
    paper = draw_attempt(bank(), BLUEPRINT, random.Random(1))
    perfect = {q.question_id: set(q.answer) for q in paper}
    assert score_attempt(paper, perfect) == 100
    multiple = next(q for q in paper if q.type is QuestionType.MULTIPLE)
    partial = dict(perfect)
    partial[multiple.question_id] = {min(multiple.answer)}
    assert score_attempt(paper, partial) == 95
    extra = dict(perfect)
    extra[multiple.question_id] = set(multiple.answer) | ({0, 1, 2, 3, 4} - multiple.answer)
    assert score_attempt(paper, extra) == 95
    single = next(q for q in paper if q.type is QuestionType.SINGLE)
    unanswered = {k: v for k, v in perfect.items() if k != single.question_id}
    assert score_attempt(paper, unanswered) == 96


def test_ninety_passes_and_eighty_nine_fails() -> None:
    assert passed(90)
    assert passed(100)
    assert not passed(89)


def test_the_best_finished_attempt_counts() -> None:
    assert best_score([70, None, 92]) == 92
    assert best_score([None]) is None


def test_an_attempt_may_start_only_when_everything_allows_it() -> None:
    ok = {"window": STUDY, "now": DURING, "approved": True, "credited_minutes": 180}
    assert can_start_attempt(0, **ok) is None  # type: ignore[arg-type]
    assert can_start_attempt(1, **ok) is None  # type: ignore[arg-type]
    assert can_start_attempt(2, **ok) == "rules.quiz.no_attempts_left"  # type: ignore[arg-type]
    assert can_start_attempt(0, **{**ok, "approved": False}) == "rules.quiz.not_approved"  # type: ignore[arg-type]
    assert can_start_attempt(0, **{**ok, "credited_minutes": 179}) == "rules.quiz.study_incomplete"  # type: ignore[arg-type]
    late = {**ok, "now": at(0, day=28)}
    assert can_start_attempt(0, **late) == "rules.quiz.window_closed"  # type: ignore[arg-type]
    early = {**ok, "now": at(0, day=29, month=7)}
    assert can_start_attempt(0, **early) == "rules.quiz.window_not_yet"  # type: ignore[arg-type]
    assert can_start_attempt(1, **ok, already_passed=True) == "rules.quiz.already_passed"  # type: ignore[arg-type]


def test_an_attempt_ends_at_its_time_limit_or_when_the_window_closes() -> None:
    assert attempt_deadline(at(10), timedelta(minutes=60), STUDY) == at(11)
    assert attempt_deadline(at(23, 30, day=27), timedelta(minutes=60), STUDY) == STUDY.closes


def test_offline_batches_take_only_passers_and_never_overflow() -> None:
    assert can_assign_batch(True, 50, 49) is None
    assert can_assign_batch(True, 50, 50) == "rules.batch.full"
    assert can_assign_batch(False, 50, 0) == "rules.batch.quiz_not_passed"


def test_examiners_assess_levels_five_four_and_three() -> None:
    assert examinable_levels() == ("五级/初级工", "四级/中级工", "三级/高级工")


def test_modules_open_only_inside_the_study_window() -> None:
    assert study_refusal(STUDY, DURING) is None
    assert study_refusal(STUDY, datetime(2024, 7, 29, 23, 59, tzinfo=SH)) == "study.window_not_yet"
    assert study_refusal(STUDY, datetime(2024, 8, 27, 23, 59, tzinfo=SH)) is None  # the last day counts
    assert study_refusal(STUDY, datetime(2024, 8, 28, 0, 0, tzinfo=SH)) == "study.window_closed"


def test_a_module_is_done_once_its_whole_length_is_credited() -> None:
    assert not module_done(timedelta(minutes=29, seconds=59), 30)
    assert module_done(timedelta(minutes=30), 30)


def test_correct_answers_show_only_after_the_study_window_closed() -> None:
    assert not answers_revealed(STUDY, DURING)
    assert not answers_revealed(STUDY, datetime(2024, 7, 1, tzinfo=SH))
    after = datetime(2024, 8, 28, 0, 0, tzinfo=SH)
    assert answers_revealed(STUDY, after)
    assert not answers_revealed(STUDY, after, after_window=False)


def test_only_the_press_just_recorded_is_drawn_again() -> None:
    assert redraw_due(4, 5)  # the move just recorded: its reply may have been lost
    assert not redraw_due(3, 5)  # the person has seen a later screen since
    assert not redraw_due(5, 5)  # the live button: applied, not redrawn
