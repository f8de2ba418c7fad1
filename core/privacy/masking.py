"""The one place personal numbers are masked for anyone but staff in review: IDs, phones, e-mail, names."""

from __future__ import annotations

from core.profile.identity import mask_id, mask_mobile

__all__ = ["mask_email", "mask_id", "mask_mobile", "mask_name"]


def mask_email(email: str) -> str:
    """Keep the first character of the mailbox and the domain, so the owner recognises it and nobody else."""
    local, at, domain = email.rpartition("@")
    if not at:
        return "*" * len(email)
    return (local[:1] or "*") + "***@" + domain


def mask_name(name: str) -> str:
    """Keep the first character (and the last, for names of three or more) so a holder can be recognised."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
