"""ID numbers (证件号码) and unified social credit codes: formats, check characters, encoded facts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.normalise import clean_text

Gender = Literal["男", "女"]
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46"
    " 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_WHOLE_REGIONS = frozenset({"71", "81", "82", "83"})  # 港澳台居民居住证 use 810000 etc.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


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


def today_or_local(today: date | None) -> date:
    """The given day, or today in the programme's zone."""
    return today if today is not None else datetime.now(LOCAL_TZ).date()


def compact(raw: str) -> str:
    """Full-width to ASCII, drop spaces and dashes people type in long numbers, upper-case."""
    return re.sub(r"[\s\-]", "", clean_text(raw, code=True)).upper()


def mod11_2_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character shared by resident IDs and new foreigner permanent-residence IDs."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def make_resident_id(prefix: str = "340104", birth: date = date(1985, 6, 15), seq: int = 123) -> str:
    """Build a valid resident ID for tests; an odd sequence number gives 男, even gives 女."""
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    return body + mod11_2_check(body)


def validate_resident_id(raw: str, today: date | None = None) -> ResidentId:
    """Check length, region, birth date and check digit so typos are caught before staff see them."""
    number = compact(raw)
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
    if born.year < 1900 or born > today_or_local(today):
        raise InvalidInput("identity.resident_birth_date", digits=number[6:14])
    if mod11_2_check(number[:17]) != number[17]:
        raise InvalidInput("identity.invalid_checksum")
    return ResidentId(number, born, "男" if int(number[16]) % 2 else "女")


def validate_id(id_type: IdType, raw: str, today: date | None = None) -> IdNumber:
    """Validate a number against the format of its ID type; resident IDs also yield birth date and gender."""
    if id_type is IdType.RESIDENT:
        rid = validate_resident_id(raw, today)
        return IdNumber(id_type, rid.number, rid.birth_date, rid.gender)
    number = compact(raw)
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


def uscc_check(body17: str) -> str:
    """GB 32100-2015 check character of a unified social credit code."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def make_uscc(body17: str = "91340100MA2N0XXX0") -> str:
    """Complete a 17-character body with its check character, for tests and demo data."""
    return body17 + uscc_check(body17)


def validate_uscc(raw: str) -> str:
    """统一社会信用代码: 18 characters from the GB 32100 alphabet with a correct check character."""
    code = compact(raw)
    if len(code) != 18:
        raise InvalidInput("identity.uscc_length", length=len(code))
    if any(c not in _USCC_CHARS for c in code):
        raise InvalidInput("identity.uscc_charset")
    if uscc_check(code[:17]) != code[17]:
        raise InvalidInput("identity.uscc_checksum")
    return code
