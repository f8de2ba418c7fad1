"""Steps 7-8, 线下培训 and 资格考试: batches, admission tickets, check-in and exam results."""
