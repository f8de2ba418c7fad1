"""Field validators for what candidates type: each returns a normalised value or raises InvalidInput."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.errors import InvalidInput
from core.normalise import clean_text, guard_text
from core.profile.id_numbers import (
    Gender,
    IdNumber,
    IdType,
    ResidentId,
    compact,
    make_resident_id,
    make_uscc,
    mod11_2_check,
    today_or_local,
    uscc_check,
    validate_id,
    validate_resident_id,
    validate_uscc,
)

__all__ = [  # ID numbers and credit codes, re-exported for existing imports
    "Gender",
    "IdNumber",
    "IdType",
    "ResidentId",
    "make_resident_id",
    "make_uscc",
    "mod11_2_check",
    "uscc_check",
    "validate_id",
    "validate_resident_id",
    "validate_uscc",
]

_DOTS = str.maketrans({"・": "·", "•": "·", "･": "·", "‧": "·", "∙": "·", "⋅": "·"})
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
CERTIFICATE_NUMBER_MIN, CERTIFICATE_NUMBER_MAX = 4, 64


def parse_date(raw: str) -> date | None:
    """Read YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 or YYYYMMDD; None when it is not a real date."""
    text = clean_text(raw, code=True)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def validate_birth_date(raw: str, today: date | None = None, min_age: int = 16, max_age: int = 80) -> date:
    """Birth date for IDs that do not encode it; the age range catches a mistyped year."""
    born = parse_date(raw)
    if born is None:
        raise InvalidInput("identity.date_format", value=raw.strip()[:20])
    now = today_or_local(today)
    if not _years_before(now, max_age + 1) < born <= _years_before(now, min_age):
        raise InvalidInput("identity.birth_date_age", min_age=min_age, max_age=max_age)
    return born


def cross_check(id_number: IdNumber, birth_date: date | None, gender: Gender | None) -> None:
    """Refuse a birth date or gender that contradicts what the ID number itself encodes."""
    if id_number.birth_date and birth_date and id_number.birth_date != birth_date:
        raise InvalidInput("identity.mismatch_birth_date", encoded=id_number.birth_date)
    if id_number.gender and gender and id_number.gender != gender:
        raise InvalidInput("identity.mismatch_gender", encoded=id_number.gender)


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x2FA1F
        or 0x30000 <= cp <= 0x323AF
        or ch == "〇"
    )


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def validate_name(raw: str, id_type: IdType = IdType.RESIDENT) -> str:
    """Accept Chinese names (· for minority names, rare characters) and Latin names on foreign IDs."""
    name = clean_text(raw).translate(_DOTS)
    if not name:
        raise InvalidInput("identity.name_empty")
    if any(unicodedata.category(c) == "Nd" for c in name):
        raise InvalidInput("identity.name_digits")
    if all(_is_cjk(c) or c == "·" for c in name):
        if name[0] == "·" or name[-1] == "·" or "··" in name:
            raise InvalidInput("identity.name_dots")
        if not 2 <= len(name) <= 20:
            raise InvalidInput("identity.name_length", min=2, max=20, length=len(name))
        return name
    if all(_is_latin_letter(c) or c in " -'.·" for c in name) and any(c.isalpha() for c in name):
        if id_type is IdType.RESIDENT:
            raise InvalidInput("identity.name_latin_needs_foreign_id")
        name = re.sub(r" {2,}", " ", name.replace("·", "."))
        if name[0] == "." or ".." in name:
            raise InvalidInput("identity.name_dots")
        if not 2 <= len(name) <= 60:
            raise InvalidInput("identity.name_length", min=2, max=60, length=len(name))
        return name
    raise InvalidInput("identity.name_chars")


def validate_mobile(raw: str) -> str:
    """Mainland mobile numbers, tolerating +86, spaces, dashes and brackets; returns the 11 digits."""
    digits = re.sub(r"[\s\-()（）]", "", clean_text(raw, code=True))
    digits = re.sub(r"^(\+86|0086|86(?=\d{11}$))", "", digits)
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise InvalidInput("identity.mobile_format")
    return digits


def mask_mobile(mobile: str) -> str:
    """Hide the middle of a phone number so logs and staff lists never hold it whole."""
    return mobile[:3] + "*" * max(len(mobile) - 7, 0) + mobile[-4:] if len(mobile) > 7 else "*" * len(mobile)


def mask_id(number: str) -> str:
    """Keep only the first 3 and last 4 characters of an ID number, for logs and lists."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * len(number)


def validate_email(raw: str) -> str:
    """Pragmatic local@domain.tld check (IDN domains allowed); returns it with the domain lower-cased."""
    email = clean_text(raw, code=True)
    if len(email) > 254:
        raise InvalidInput("identity.email_too_long", max=254)
    local, at, domain = email.rpartition("@")
    if not at or not _EMAIL_LOCAL.fullmatch(local):
        raise InvalidInput("identity.email_format")
    domain = domain.lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput("identity.email_format") from None
    labels = ascii_domain.split(".")
    if len(local) > 64 or len(labels) < 2 or not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1]):
        raise InvalidInput("identity.email_format")
    if not all(re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels):
        raise InvalidInput("identity.email_format")
    return f"{local}@{domain}"


def validate_postcode(raw: str) -> str:
    """Chinese postcodes are exactly six digits."""
    code = compact(clean_text(raw, code=True))
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput("identity.postcode_format")
    return code


def validate_address(raw: str) -> str:
    """A contact address long enough to post something to and short enough for a form field."""
    return check_chinese_address(guard_text(raw, "联系地址", max_len=ADDRESS_MAX, min_len=5))


ADDRESS_MIN, ADDRESS_MAX = 8, 120
_HAN = re.compile(r"[\u3400-\u9fff]")
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州"
    "|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_REGION = re.compile(rf"({_PROVINCES}|省|市|自治区|自治州|地区|盟|州|县|区)")
_STREET = re.compile(r"(路|街|道|巷|弄|胡同|里|村|组|镇|乡|号|楼|栋|幢|室|单元|小区|大厦|园|社区|广场|中心)")


def check_chinese_address(text: str) -> str:
    """Run after the text guard: a postal address in China names a province or city and then a street part."""
    if len(_HAN.findall(text)) < 4:
        raise InvalidInput("identity.address_not_chinese", value=text[:30])
    region = _REGION.search(text)
    if region is None:
        raise InvalidInput("identity.address_no_region")
    if _STREET.search(text, region.end()) is None:
        raise InvalidInput("identity.address_no_street")
    if len(text) < ADDRESS_MIN:
        raise InvalidInput("identity.address_short", min=ADDRESS_MIN, length=len(text))
    return text


def validate_certificate_number(raw: str, error: str = "identity.certificate_number_format") -> str:
    """ASCII letters and digits, upper-cased, with the spaces and dashes people type between groups dropped,
    so a typed number and a registry row compare equal however either was written."""
    text = re.sub(r"[\s\-]", "", clean_text(raw, code=True)).upper()
    if not re.fullmatch(rf"[A-Z0-9]{{{CERTIFICATE_NUMBER_MIN},{CERTIFICATE_NUMBER_MAX}}}", text):
        raise InvalidInput(error, min=CERTIFICATE_NUMBER_MIN, max=CERTIFICATE_NUMBER_MAX)
    return text


def certificate_number_or_none(raw: str) -> str | None:
    """The registry form of a number a candidate typed, or None when it could never match one."""
    try:
        return validate_certificate_number(raw)
    except InvalidInput:
        return None


def validate_issuer(raw: str) -> str:
    """The issuing body's name as printed on the certificate."""
    return guard_text(raw, "发证单位", max_len=100)


def validate_occupation(raw: str) -> str:
    """An occupation (职业/工种) or specialty name."""
    return guard_text(raw, "职业（工种）", max_len=60)


def validate_work_start(raw: str, today: date | None = None, birth_date: date | None = None) -> date:
    """参加工作时间: accepts a day or just YYYY-MM; not in the future and not before age 14."""
    text = clean_text(raw, code=True)
    month = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", text)
    started = parse_date(text)
    if started is None and month and 1 <= int(month[2]) <= 12:
        started = date(int(month[1]), int(month[2]), 1)
    if started is None:
        raise InvalidInput("identity.date_format", value=text[:20])
    if started > today_or_local(today):
        raise InvalidInput("identity.work_start_future")
    earliest = date(1900, 1, 1) if birth_date is None else _years_before(birth_date, -14)
    if started < earliest:
        raise InvalidInput("identity.work_start_too_early", earliest=earliest)
    return started
