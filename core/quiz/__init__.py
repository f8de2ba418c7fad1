"""Step 6, 线上考核: content imports, the bank, drawing, answering, scoring, reviewing attempts, 成绩查询."""
