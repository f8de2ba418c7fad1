"""7-8 offline training: batches, admission tickets and check-in, exam results."""
