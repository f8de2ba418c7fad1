"""Notices: scheduled ones and broadcasts, their audiences, the outbox that delivers them, and receipts."""
