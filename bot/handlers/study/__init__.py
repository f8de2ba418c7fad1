"""5 培训学习: the course and study credit."""
