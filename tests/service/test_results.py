"""成绩查询 on a real database: every attempt listed, best counts, answer sheets only after the window."""

from __future__ import annotations

import pytest

from core.db import Database
from core.errors import NotAllowed, NotFound
from core.offline.results import results
from core.quiz.review import attempt_review
from tests.e2e.study_factories import SHANGHAI, make_candidate
from tests.service.test_quiz import answer_all, begin, ready, submit


async def test_every_attempt_is_listed_and_the_best_counts(db: Database) -> None:
    clock, _ = await ready(db, 701)
    await submit(db, 701, await answer_all(db, 701, await begin(db, 701, clock), clock, right=6), clock)
    await submit(db, 701, await answer_all(db, 701, await begin(db, 701, clock), clock, right=9), clock)
    found = await results(db, 701)
    assert [(a.attempt_no, a.score, a.passed) for a in found.quiz_attempts] == [(1, 60, False), (2, 90, True)]
    assert (found.quiz_best, found.quiz_passed) == (90, True)


async def test_answer_sheets_open_after_the_window_and_only_ones_own(db: Database) -> None:
    clock, plan = await ready(db, 702)
    await make_candidate(db, 703, plan)
    await submit(db, 702, await answer_all(db, 702, await begin(db, 702, clock), clock, right=10), clock)
    with pytest.raises(NotAllowed) as hidden:
        await attempt_review(db, 702, 1, now=clock(), tz=SHANGHAI)
    assert hidden.value.key == "quiz.answers_hidden"
    clock.advance(days=30)
    sheet = await attempt_review(db, 702, 1, now=clock(), tz=SHANGHAI)
    assert sheet.score == 100 and all(q.right for q in sheet.questions) and len(sheet.questions) == 10
    with pytest.raises(NotFound):
        await attempt_review(db, 703, 1, now=clock(), tz=SHANGHAI)
    with pytest.raises(NotAllowed):
        await attempt_review(db, 702, 1, now=clock(), tz=SHANGHAI, reveal_after_window=False)
