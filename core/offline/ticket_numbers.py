"""Admission-ticket numbers that catch a mistyped digit at check-in before any database lookup.

Ticket numbers are digits only, because staff type them on a phone keypad at check-in:
``PPPPPP-BB-SSSS-C`` (last six digits of the plan number, batch, seat, Damm check digit; the Damm
algorithm detects every single-digit error and every adjacent transposition).
"""

from __future__ import annotations

import re

from core.normalise import squash

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_TICKET_SHAPE = re.compile(r"([0-9]{6})([0-9]{2})([0-9]{4})([0-9])")


def damm_digit(digits: str) -> str:
    """Damm check digit of a decimal string."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def new_ticket_number(plan_no: str, batch_seq: int, seat: int) -> str:
    """Ticket number for plan, batch (1-99), seat (1-9999); unique while plans differ in the last 6 digits."""
    plan_digits = "".join(ch for ch in plan_no if ch in "0123456789")
    if not plan_digits:
        raise ValueError("plan number has no digits")
    if not 1 <= batch_seq <= 99:
        raise ValueError(f"batch sequence out of range: {batch_seq}")
    if not 1 <= seat <= 9999:
        raise ValueError(f"seat out of range: {seat}")
    body = f"{plan_digits[-6:]:0>6}{batch_seq:02d}{seat:04d}"
    return f"{body[:6]}-{body[6:8]}-{body[8:]}-{damm_digit(body)}"


def normalise_ticket_number(no: str) -> str:
    """Canonical ``PPPPPP-BB-SSSS-C`` form of a typed ticket number; ValueError if it cannot be one."""
    match = _TICKET_SHAPE.fullmatch(squash(no))
    if match is None:
        raise ValueError("not a ticket number")
    return "-".join(match.groups())


def is_valid_ticket_number(no: str) -> bool:
    """True if the ticket number has the right shape and its Damm check digit matches."""
    try:
        digits = normalise_ticket_number(no).replace("-", "")
    except ValueError:
        return False
    return damm_digit(digits) == "0"
