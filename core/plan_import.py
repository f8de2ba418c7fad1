"""Plans from Excel: one row per plan, each checked by the same rules as the /plans dialog."""

from __future__ import annotations

from core.spreadsheets import Column
from core.staff.imports import clean_text

COLUMNS: tuple[Column, ...] = (
    Column("plan_no", ("计划编号", "考评计划编号"), True, lambda raw: clean_text(raw, 32)),
    Column("name", ("计划名称", "名称"), True, lambda raw: clean_text(raw, 128)),
    Column(
        "occupations", ("职业（工种）", "职业(工种)", "工种", "职业"), True, lambda raw: clean_text(raw, 500)
    ),
    Column("registration_start", ("报名开始", "报名开始日期"), True, lambda raw: clean_text(raw, 32)),
    Column("registration_end", ("报名截止", "报名截止日期"), True, lambda raw: clean_text(raw, 32)),
    Column("study_start", ("学习考核开始", "线上学习开始"), True, lambda raw: clean_text(raw, 32)),
    Column("study_end", ("学习考核截止", "线上学习截止"), True, lambda raw: clean_text(raw, 32)),
    Column("training_start", ("线下培训开始",), False, lambda raw: clean_text(raw, 32)),
    Column("training_end", ("线下培训结束",), False, lambda raw: clean_text(raw, 32)),
)
