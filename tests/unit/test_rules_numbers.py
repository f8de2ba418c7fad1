"""Certificate and ticket numbers: shape, check symbols, typo detection, uniqueness."""

from __future__ import annotations

import random

import pytest

from core.certificates import numbers as certno
from core.certificates.numbers import CROCKFORD, is_well_formed, new_certificate_number, normalise
from core.offline.ticket_numbers import is_valid_ticket_number, new_ticket_number, normalise_ticket_number


def test_format_and_check() -> None:
    no = new_certificate_number(2026)
    parts = no.split("-")
    assert [len(p) for p in parts] == [3, 4, 4, 4, 1]
    assert parts[0] == "KPY" and parts[1] == "2026"
    assert all(ch in CROCKFORD for ch in "".join(parts[2:]))
    assert is_well_formed(no)


def test_seeded_source_is_reproducible() -> None:
    assert new_certificate_number(2026, random.Random(7)) == new_certificate_number(2026, random.Random(7))


def test_ten_thousand_unique() -> None:
    numbers = {new_certificate_number(2026) for _ in range(10_000)}
    assert len(numbers) == 10_000
    assert all(is_well_formed(n) for n in numbers)


def _symbols(no: str) -> str:
    return normalise(no).replace("-", "")


def _rebuild(symbols: str) -> str:
    return f"{symbols[:3]}-{symbols[3:7]}-{symbols[7:11]}-{symbols[11:15]}-{symbols[15]}"


@pytest.mark.parametrize("seed", range(20))
def test_every_single_substitution_is_detected(seed: int) -> None:
    symbols = _symbols(new_certificate_number(2026, random.Random(seed)))
    for pos in range(3, len(symbols)):  # the prefix is fixed text, so start after it
        alphabet = "0123456789" if pos < 7 else CROCKFORD
        for ch in alphabet:
            if ch != symbols[pos]:
                assert not is_well_formed(_rebuild(symbols[:pos] + ch + symbols[pos + 1 :]))


@pytest.mark.parametrize("seed", range(20))
def test_every_transposition_is_detected(seed: int) -> None:
    symbols = _symbols(new_certificate_number(2026, random.Random(seed)))
    for i in range(3, len(symbols)):
        for j in range(i + 1, len(symbols)):
            if symbols[i] == symbols[j] or (i < 7 <= j and not symbols[i].isdigit()):
                continue
            swapped = list(symbols)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            assert not is_well_formed(_rebuild("".join(swapped))), (i, j)


def test_normalisation_of_case_spacing_and_ime_input() -> None:
    no = new_certificate_number(2026, random.Random(1))
    assert is_well_formed(no.lower())
    assert is_well_formed(no.replace("-", ""))
    assert is_well_formed(" " + no.replace("-", " ") + " ")
    assert is_well_formed(no.replace("-", "—"))
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in no)
    assert normalise(fullwidth) == no
    assert normalise(no.lower().replace("-", "")) == no


def test_confusable_letters_are_read_as_digits() -> None:
    symbols = _symbols(new_certificate_number(2026, random.Random(3)))
    body = symbols[:7] + "0011" + symbols[11:15]
    good = _rebuild(body + certno.check_symbol(body))
    typed = good[:9] + "OoIl" + good[13:]
    assert normalise(typed) == good and is_well_formed(typed)


@pytest.mark.parametrize(
    "text",
    ["", "KPY", "KPY-2026", "ABC-2026-AAAA-AAAA-A", "KPY-2026-AAAA-AAAA", "KPY-2026-AAAU-AAAA-A", "x" * 200],
)
def test_garbage_is_rejected(text: str) -> None:
    assert not is_well_formed(text)
    with pytest.raises(ValueError):
        normalise(text)


def test_bad_year() -> None:
    with pytest.raises(ValueError):
        new_certificate_number(99)


def test_ticket_numbers() -> None:
    no = new_ticket_number("2020120000000019", 1, 23)
    assert no == "000019-01-0023-" + no[-1]
    assert is_valid_ticket_number(no)
    assert is_valid_ticket_number(no.replace("-", " "))
    assert normalise_ticket_number(no.replace("-", "")) == no
    digits = no.replace("-", "")
    for pos in range(len(digits)):
        for d in "0123456789":
            if d != digits[pos]:
                assert not is_valid_ticket_number(digits[:pos] + d + digits[pos + 1 :])
    for pos in range(len(digits) - 1):
        if digits[pos] != digits[pos + 1]:
            swapped = digits[:pos] + digits[pos + 1] + digits[pos] + digits[pos + 2 :]
            assert not is_valid_ticket_number(swapped)


def test_ticket_numbers_distinct_per_seat() -> None:
    seen = {new_ticket_number("2026080000000001", b, s) for b in range(1, 4) for s in range(1, 1001)}
    assert len(seen) == 3000


@pytest.mark.parametrize(("batch", "seat"), [(0, 1), (100, 1), (1, 0), (1, 10_000)])
def test_ticket_range_checks(batch: int, seat: int) -> None:
    with pytest.raises(ValueError):
        new_ticket_number("2026080000000001", batch, seat)


def test_ticket_rejects_garbage() -> None:
    assert not is_valid_ticket_number("")
    assert not is_valid_ticket_number("abc")
    assert not is_valid_ticket_number("000019-01-0023")
