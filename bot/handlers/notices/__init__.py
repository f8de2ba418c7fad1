"""Broadcasts, read receipts and muting reminders."""
