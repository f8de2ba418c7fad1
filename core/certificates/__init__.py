"""Step 8's outcome: e-certificates, their numbers, verification, mailing, seals, examiners and 考试档案."""
