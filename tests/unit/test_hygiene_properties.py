"""Arbitrary Unicode into the normaliser and the pure validators: a clean value or a domain error out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import imports, normalise
from core.certificates import examiners
from core.errors import DomainError
from core.normalise import clean_text, parse_id, parse_int, refused_characters
from core.notices import broadcast
from core.offline import batches, exam
from core.offline.tickets import normalise_ticket
from core.plans import rules as plan_rules
from core.profile import identity
from core.profile.id_numbers import IdType, validate_id, validate_uscc
from core.review import known_certificates
from core.spreadsheets import Column, formula_refusal, read_table

TODAY = date(2026, 12, 3)
# the characters hostile input is made of, mixed with everything Unicode has (lone surrogates included)
HOSTILE = (
    "\x00\x07\x1b\r\n\t\u200b\u200c\u200d\u202e\u2066\u2069\ufeff\u00ad\u2028\ud800\udfff=+-@·・ 　０９Ｘ"
)
TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(HOSTILE),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.characters(min_codepoint=0x30, max_codepoint=0x5A),
    ),
    max_size=80,
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALIDATORS: dict[str, Callable[[str], object]] = {
    "name": identity.validate_name,
    "foreign name": partial(identity.validate_name, id_type=IdType.PASSPORT),
    "mobile": identity.validate_mobile,
    "email": identity.validate_email,
    "postcode": identity.validate_postcode,
    "address": identity.validate_address,
    "free text": partial(normalise.guard_text, field="备注"),
    "reason": partial(normalise.guard_text, field="原因", multiline=True, max_len=200),
    "certificate number": identity.validate_certificate_number,
    "issuer": identity.validate_issuer,
    "occupation": identity.validate_occupation,
    "birth date": partial(identity.validate_birth_date, today=TODAY),
    "work start": partial(identity.validate_work_start, today=TODAY),
    "resident id": partial(validate_id, IdType.RESIDENT, today=TODAY),
    "passport": partial(validate_id, IdType.PASSPORT, today=TODAY),
    "uscc": validate_uscc,
    "plan number": plan_rules.parse_plan_no,
    "plan name": plan_rules.parse_name,
    "occupations": plan_rules.parse_occupations,
    "plan window": partial(plan_rules.parse_window, field="registration"),
    "batch id": batches.parse_batch_id,
    "batch time": batches.parse_time,
    "batch capacity": batches.parse_capacity,
    "batch day": partial(batches.parse_day, today=TODAY),
    "batch place": batches.parse_place,
    "broadcast": partial(broadcast.check_text, caption=False),
    "caption": partial(broadcast.check_text, caption=True),
    "score": exam.parse_score,
    "verdict": exam.parse_verdict,
    "ticket": exam.parse_ticket,
    "check-in code": normalise_ticket,
    "levels": examiners.parse_levels,
    "registry id number": known_certificates.parse_id_number,
    "registry certificate": known_certificates.parse_certificate_number,
    "registry level": known_certificates.parse_level,
    "import cell": partial(imports.clean_text, max_len=64),
    "integer": partial(parse_int, low=-10, high=10),
    "id": parse_id,
}


def _strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings_in(item)]
    return []


@PROPERTY
@given(raw=TEXTS)
def test_the_normaliser_returns_clean_idempotent_text_or_a_domain_error(raw: str) -> None:
    for kwargs in ({}, {"code": True}, {"multiline": True}):
        try:
            text = clean_text(raw, **kwargs)
        except DomainError:
            continue
        assert refused_characters(text, multiline=kwargs.get("multiline", False)) == []
        assert text == text.strip()
        assert clean_text(text, **kwargs) == text
        text.encode("utf-8")  # what a database will store


@PROPERTY
@given(raw=TEXTS, which=st.sampled_from(sorted(VALIDATORS)))
def test_every_validator_returns_a_clean_value_or_a_domain_error(raw: str, which: str) -> None:
    try:
        value = VALIDATORS[which](raw)
    except DomainError:
        return
    for text in _strings_in(value):
        assert refused_characters(text, multiline=True) == [], (which, text)
        text.encode("utf-8")


@PROPERTY
@given(raw=st.from_regex(r"[+-]?[0-9０-９]{0,40}", fullmatch=True), low=st.integers(), high=st.integers())
def test_the_integer_parser_keeps_to_its_range(raw: str, low: int, high: int) -> None:
    try:
        value = parse_int(raw, low=low, high=high)
    except DomainError:
        return
    assert low <= value <= high


CELL_COLUMNS = (Column("name", ("名称",), True, partial(imports.clean_text, max_len=64)),)


@PROPERTY
@given(cell=TEXTS)
def test_an_uploaded_cell_is_a_clean_value_or_a_refusal_by_row(cell: str) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    data = ("名称\r\n" + quoted + "\r\n").encode("utf-8", "surrogatepass")
    try:
        rows = read_table(data, "机构.csv", CELL_COLUMNS)
    except DomainError:
        return
    for row in rows:
        value = row["name"]
        assert value is None or (refused_characters(value) == [] and formula_refusal(value) is None)
