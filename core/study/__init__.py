"""Step 5, 培训学习: the course, which registration a candidate studies under, and server-clock credit."""
