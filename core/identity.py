"""Field validators for what candidates type: each returns a normalised value or raises InvalidInput."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from core.errors import InvalidInput

Gender = Literal["男", "女"]
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MESSAGE_LIMIT = 4096
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46"
    " 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_WHOLE_REGIONS = frozenset({"71", "81", "82", "83"})  # 港澳台居民居住证 use 810000 etc.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DOTS = str.maketrans({"・": "·", "•": "·", "･": "·", "‧": "·", "∙": "·", "⋅": "·"})
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class IdType(StrEnum):
    """The portal's 证件类型, labelled exactly as candidates know them; the resident card comes first."""

    RESIDENT = "居民身份证(中国大陆)"
    PASSPORT = "护照"
    HK_MACAO = "港澳居民来往内地通行证"
    TAIWAN = "台湾居民来往大陆通行证"
    FOREIGN_PR = "外国人永久居留身份证"


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A validated ID; birth date and gender are known only when the number encodes them."""

    id_type: IdType
    number: str
    birth_date: date | None = None
    gender: Gender | None = None


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A validated 18-digit resident ID with the facts it encodes, so they need not be asked again."""

    number: str
    birth_date: date
    gender: Gender


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(LOCAL_TZ).date()


def _compact(raw: str) -> str:
    """Full-width to ASCII, drop spaces and dashes people type in long numbers, upper-case."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI


def mod11_2_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character shared by resident IDs and new foreigner permanent-residence IDs."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def make_resident_id(prefix: str = "340104", birth: date = date(1985, 6, 15), seq: int = 123) -> str:
    """Build a valid resident ID for tests; an odd sequence number gives 男, even gives 女."""
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    return body + mod11_2_check(body)


def validate_resident_id(raw: str, today: date | None = None) -> ResidentId:
    """Check length, region, birth date and check digit so typos are caught before staff see them."""
    number = _compact(raw)
    if len(number) != 18:
        raise InvalidInput("identity.resident_length", length=len(number))
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidInput("identity.resident_charset")
    if number[:2] not in PROVINCES or (number[2:6] == "0000" and number[:2] not in _WHOLE_REGIONS):
        raise InvalidInput("identity.resident_region", prefix=number[:6])
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidInput("identity.resident_birth_date", digits=number[6:14]) from None
    if born.year < 1900 or born > _today(today):
        raise InvalidInput("identity.resident_birth_date", digits=number[6:14])
    if mod11_2_check(number[:17]) != number[17]:
        raise InvalidInput("identity.invalid_checksum")
    return ResidentId(number, born, "男" if int(number[16]) % 2 else "女")


def validate_id(id_type: IdType, raw: str, today: date | None = None) -> IdNumber:
    """Validate a number against the format of its ID type; resident IDs also yield birth date and gender."""
    if id_type is IdType.RESIDENT:
        rid = validate_resident_id(raw, today)
        return IdNumber(id_type, rid.number, rid.birth_date, rid.gender)
    number = _compact(raw)
    if id_type is IdType.PASSPORT:
        ok = re.fullmatch(r"[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[A-Z0-9]{5,17}", number) is not None
    elif id_type is IdType.HK_MACAO:
        ok = re.fullmatch(r"[HM]\d{8}(\d{2})?", number) is not None
    elif id_type is IdType.TAIWAN:
        ok = re.fullmatch(r"\d{8}(\d{2})?", number) is not None
    else:
        if re.fullmatch(r"9\d{16}[\dX]", number):
            if mod11_2_check(number[:17]) != number[17]:
                raise InvalidInput("identity.invalid_checksum")
            ok = True
        else:
            ok = re.fullmatch(r"[A-Z]{3}\d{12}", number) is not None
    if not ok:
        raise InvalidInput(f"identity.format.{id_type.name.lower()}", id_type=id_type.value)
    return IdNumber(id_type, number)


def parse_date(raw: str) -> date | None:
    """Read YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日 or YYYYMMDD; None when it is not a real date."""
    text = unicodedata.normalize("NFKC", raw).strip()
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
    now = _today(today)
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
    name = unicodedata.normalize("NFC", raw).strip().translate(_DOTS)
    if not name:
        raise InvalidInput("identity.name_empty")
    if any(_is_control(c) for c in name):
        raise InvalidInput("identity.name_control")
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
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", raw))
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
    email = unicodedata.normalize("NFKC", raw).strip()
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
    code = _compact(raw)
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput("identity.postcode_format")
    return code


def guard_text(
    raw: str, field: str, max_len: int = MESSAGE_LIMIT, min_len: int = 1, multiline: bool = False
) -> str:
    """The guard for any free text: trimmed, no control characters, within the field's length."""
    text = unicodedata.normalize("NFC", raw).strip()
    if multiline:
        text = text.replace("\r\n", "\n")
    if any(_is_control(c) and not (multiline and c in "\n\t") for c in text):
        raise InvalidInput("identity.text_control", field=field)
    if not text:
        raise InvalidInput("identity.text_empty", field=field)
    if len(text) > max_len:
        raise InvalidInput("identity.text_too_long", field=field, max=max_len, length=len(text))
    if len(text) < min_len:
        raise InvalidInput("identity.text_too_short", field=field, min=min_len, length=len(text))
    return text


def validate_address(raw: str) -> str:
    """A contact address long enough to post something to and short enough for a form field."""
    return guard_text(raw, "联系地址", max_len=120, min_len=5)


def validate_certificate_number(raw: str) -> str:
    """Certificate numbers vary by issuer and era, so only sanity is checked."""
    return guard_text(raw, "证书编号", max_len=64)


def validate_issuer(raw: str) -> str:
    """The issuing body's name as printed on the certificate."""
    return guard_text(raw, "发证单位", max_len=100)


def validate_occupation(raw: str) -> str:
    """An occupation (职业/工种) or specialty name."""
    return guard_text(raw, "职业（工种）", max_len=60)


def validate_work_start(raw: str, today: date | None = None, birth_date: date | None = None) -> date:
    """参加工作时间: accepts a day or just YYYY-MM; not in the future and not before age 14."""
    text = unicodedata.normalize("NFKC", raw).strip()
    month = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", text)
    started = parse_date(text)
    if started is None and month and 1 <= int(month[2]) <= 12:
        started = date(int(month[1]), int(month[2]), 1)
    if started is None:
        raise InvalidInput("identity.date_format", value=text[:20])
    if started > _today(today):
        raise InvalidInput("identity.work_start_future")
    earliest = date(1900, 1, 1) if birth_date is None else _years_before(birth_date, -14)
    if started < earliest:
        raise InvalidInput("identity.work_start_too_early", earliest=earliest)
    return started


def uscc_check(body17: str) -> str:
    """GB 32100-2015 check character of a unified social credit code."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def make_uscc(body17: str = "91340100MA2N0XXX0") -> str:
    """Complete a 17-character body with its check character, for tests and demo data."""
    return body17 + uscc_check(body17)


def validate_uscc(raw: str) -> str:
    """统一社会信用代码: 18 characters from the GB 32100 alphabet with a correct check character."""
    code = _compact(raw)
    if len(code) != 18:
        raise InvalidInput("identity.uscc_length", length=len(code))
    if any(c not in _USCC_CHARS for c in code):
        raise InvalidInput("identity.uscc_charset")
    if uscc_check(code[:17]) != code[17]:
        raise InvalidInput("identity.uscc_checksum")
    return code
