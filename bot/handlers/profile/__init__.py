"""1 个人信息: the profile questions, photo and summary."""
