"""Step 1, 个人信息: the profile dialog, its fields and validators, ID numbers, the photo and consent."""
