"""6 线上考核: attempts, per-plan content imports, 成绩查询."""
