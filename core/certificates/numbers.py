"""Certificate numbers that catch typos and forgeries before any database lookup.

Certificate numbers look like ``KPY-2026-7H3Q-K9ZD-M``: a fixed prefix, the year, 40 random bits in
Crockford base32 (no I, L, O, U) and one check symbol from the same alphabet. The check symbol is a
weighted sum over GF(32) with distinct weights α^i, so every single-symbol substitution and every
transposition (adjacent or not) within the body is detected, and the check symbol itself is never a
character a person could confuse with another one (unlike ISO 7064 MOD 37-2's ``*``).

Admission-ticket numbers, digits only, are core.offline.ticket_numbers.
"""

from __future__ import annotations

import re
import secrets
from typing import Protocol

from core.normalise import squash

CERT_PREFIX = "KPY"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 8  # 8 x 5 = 40 random bits
_VALUE = {ch: i for i, ch in enumerate(CROCKFORD)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
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
    squashed = squash(no)
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
