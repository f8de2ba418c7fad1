"""Certificate and admission-ticket numbers that catch typos and forgeries before any database lookup.

Certificate numbers look like ``KPY-2026-7H3Q-K9ZD-M``: a fixed prefix, the year, 40 random bits in
Crockford base32 (no I, L, O, U) and one check symbol from the same alphabet. The check symbol is a
weighted sum over GF(32) with distinct weights α^i, so every single-symbol substitution and every
transposition (adjacent or not) within the body is detected, and the check symbol itself is never a
character a person could confuse with another one (unlike ISO 7064 MOD 37-2's ``*``).

Ticket numbers are digits only, because staff type them on a phone keypad at check-in:
``PPPPPP-BB-SSSS-C`` (last six digits of the plan number, batch, seat, Damm check digit; the Damm
algorithm detects every single-digit error and every adjacent transposition).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Protocol

CERT_PREFIX = "KPY"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 8  # 8 x 5 = 40 random bits
_VALUE = {ch: i for i, ch in enumerate(CROCKFORD)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·]+")
_CERT_SHAPE = re.compile(rf"{CERT_PREFIX}([0-9]{{4}})([{CROCKFORD}]{{{RANDOM_SYMBOLS}}})([{CROCKFORD}])")


class RandomSource(Protocol):
    """Anything with getrandbits: secrets.SystemRandom in production, a seeded random.Random in tests."""

    def getrandbits(self, k: int, /) -> int: ...


# --- GF(32) arithmetic, modulus x^5 + x^2 + 1 (primitive, so α = x generates all 31 non-zero elements)


def _gf_mul(a: int, b: int) -> int:
    """Multiply two elements of GF(2^5)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101
    return product


def _weights(n: int) -> list[int]:
    """α^1 .. α^n: distinct and non-zero for n <= 30, which guarantees the error-detection claims."""
    out, w = [], 1
    for _ in range(n):
        w = _gf_mul(w, 2)
        out.append(w)
    return out


def check_symbol(body: str) -> str:
    """The check symbol for a Crockford-alphabet body of at most 30 symbols."""
    if len(body) > 30:
        raise ValueError("body too long for a GF(32) check symbol")
    total = 0
    for weight, ch in zip(_weights(len(body)), body, strict=True):
        total ^= _gf_mul(weight, _VALUE[ch])
    return CROCKFORD[total]


def _encode(value: int, width: int) -> str:
    symbols = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        symbols.append(CROCKFORD[digit])
    return "".join(reversed(symbols))


def _squash(text: str) -> str:
    """Fold full-width IME input, case and separators so only the symbols are left."""
    text = unicodedata.normalize("NFKC", text).upper()
    return _SEPARATORS.sub("", text)


_SYSTEM_RANDOM = secrets.SystemRandom()


def new_certificate_number(year: int, rand: RandomSource = _SYSTEM_RANDOM) -> str:
    """A fresh, unguessable certificate number for the issue year; uniqueness is still a DB constraint."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    random_part = _encode(rand.getrandbits(5 * RANDOM_SYMBOLS), RANDOM_SYMBOLS)
    body = f"{CERT_PREFIX}{year}{random_part}"
    return _format_cert(year, random_part, check_symbol(body))


def _format_cert(year: int | str, random_part: str, check: str) -> str:
    return f"{CERT_PREFIX}-{year}-{random_part[:4]}-{random_part[4:]}-{check}"


def normalise(no: str) -> str:
    """Canonical ``KPY-YYYY-XXXX-XXXX-C`` form of a typed number; ValueError if it cannot be one."""
    squashed = _squash(no)
    if not squashed.startswith(CERT_PREFIX):
        raise ValueError("not a certificate number")
    rest = squashed[len(CERT_PREFIX) :].translate(_CONFUSABLE)
    match = _CERT_SHAPE.fullmatch(CERT_PREFIX + rest)
    if match is None:
        raise ValueError("not a certificate number")
    year, random_part, check = match.groups()
    return _format_cert(year, random_part, check)


def is_well_formed(no: str) -> bool:
    """True if shape and check symbol match, so typos are rejected before any lookup."""
    try:
        canonical = normalise(no)
    except ValueError:
        return False
    body = canonical.replace("-", "")
    return check_symbol(body[:-1]) == body[-1]


# --- admission tickets

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
    match = _TICKET_SHAPE.fullmatch(_squash(no))
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
