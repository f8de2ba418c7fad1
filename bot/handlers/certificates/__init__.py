"""8 e-certificates: download and verification, seal, mailing, 考试档案."""
