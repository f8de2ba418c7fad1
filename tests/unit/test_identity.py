"""Field validators accept what real candidates type and explain precisely what is wrong otherwise."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.profile.identity import (
    IdNumber,
    IdType,
    cross_check,
    guard_text,
    make_resident_id,
    make_uscc,
    mask_id,
    mask_mobile,
    mod11_2_check,
    validate_address,
    validate_birth_date,
    validate_certificate_number,
    validate_email,
    validate_id,
    validate_issuer,
    validate_mobile,
    validate_name,
    validate_occupation,
    validate_postcode,
    validate_resident_id,
    validate_uscc,
    validate_work_start,
)
from core.texts import catalogue

TODAY = date(2024, 8, 1)


def key_of(call: object, *args: object, **kwargs: object) -> str:
    """Run a validator expected to refuse and return the catalogue key it raised."""
    assert callable(call)
    with pytest.raises(InvalidInput) as info:
        call(*args, **kwargs)
    return info.value.key


def test_the_textbook_resident_id_is_accepted_and_a_lower_case_x_is_upper_cased() -> None:
    rid = validate_resident_id("11010519491231002x", TODAY)
    assert rid.number == "11010519491231002X"
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.gender == "女"


def test_generated_resident_ids_are_valid_and_carry_gender_from_the_sequence() -> None:
    male = validate_resident_id(make_resident_id("340104", date(1985, 6, 15), 123), TODAY)
    female = validate_resident_id(make_resident_id("340104", date(1985, 6, 15), 124), TODAY)
    assert (male.gender, female.gender) == ("男", "女")
    assert male.birth_date == date(1985, 6, 15)


def test_spaces_and_full_width_digits_in_an_id_are_tolerated() -> None:
    number = make_resident_id()
    spaced = " ".join([number[:6], number[6:14], number[14:]])
    assert validate_resident_id(spaced, TODAY).number == number
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert validate_resident_id(full_width, TODAY).number == number


def test_a_single_mistyped_digit_fails_the_checksum() -> None:
    number = make_resident_id()
    wrong = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    assert key_of(validate_resident_id, wrong[:17] + number[17], TODAY) in {
        "identity.invalid_checksum",
        "identity.resident_birth_date",
    }
    swapped_seq = number[:14] + number[15] + number[14] + number[16:]
    if swapped_seq != number:
        assert key_of(validate_resident_id, swapped_seq, TODAY) == "identity.invalid_checksum"


def test_resident_id_of_wrong_length_says_how_long_it_was() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_resident_id("34010419850615", TODAY)
    assert info.value.key == "identity.resident_length"
    assert info.value.params == {"length": 14}


def test_resident_id_with_letters_inside_is_refused() -> None:
    assert key_of(validate_resident_id, "3401041985O6151232", TODAY) == "identity.resident_charset"


def test_unknown_province_and_empty_division_codes_are_refused() -> None:
    assert key_of(validate_resident_id, make_resident_id("990101"), TODAY) == "identity.resident_region"
    assert key_of(validate_resident_id, make_resident_id("340000"), TODAY) == "identity.resident_region"


def test_hong_kong_residence_permit_prefix_is_accepted() -> None:
    assert validate_resident_id(make_resident_id("810000"), TODAY).number.startswith("810000")


def test_impossible_future_or_ancient_birth_dates_in_an_id_are_refused() -> None:
    bad_day = "34010419850231" + "123"
    assert (
        key_of(validate_resident_id, bad_day + mod11_2_check(bad_day), TODAY)
        == "identity.resident_birth_date"
    )
    future = make_resident_id(birth=date(2030, 1, 1))
    assert key_of(validate_resident_id, future, TODAY) == "identity.resident_birth_date"
    ancient = make_resident_id(birth=date(1899, 12, 31))
    assert key_of(validate_resident_id, ancient, TODAY) == "identity.resident_birth_date"


def test_validate_id_for_a_resident_card_returns_birth_date_and_gender() -> None:
    result = validate_id(IdType.RESIDENT, make_resident_id(), TODAY)
    assert result == IdNumber(IdType.RESIDENT, make_resident_id(), date(1985, 6, 15), "男")


def test_id_types_are_listed_with_the_resident_card_first() -> None:
    assert next(iter(IdType)).value == "居民身份证(中国大陆)"
    assert [t.value for t in IdType][1:] == [
        "护照",
        "港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
        "外国人永久居留身份证",
    ]


@pytest.mark.parametrize(
    ("id_type", "raw", "normalised"),
    [
        (IdType.PASSPORT, "e12345678", "E12345678"),
        (IdType.PASSPORT, "EA1234567", "EA1234567"),
        (IdType.PASSPORT, "x1234567", "X1234567"),
        (IdType.HK_MACAO, "H12345678", "H12345678"),
        (IdType.HK_MACAO, "m1234567890", "M1234567890"),
        (IdType.TAIWAN, "12345678", "12345678"),
        (IdType.TAIWAN, "1234567890", "1234567890"),
        (IdType.FOREIGN_PR, "usa310085061501", "USA310085061501"),
    ],
)
def test_other_id_types_accept_their_own_formats(id_type: IdType, raw: str, normalised: str) -> None:
    result = validate_id(id_type, raw)
    assert result.number == normalised
    assert result.birth_date is None and result.gender is None


@pytest.mark.parametrize(
    ("id_type", "raw"),
    [
        (IdType.PASSPORT, "E12"),
        (IdType.PASSPORT, "E1234567890123456789"),
        (IdType.HK_MACAO, "A12345678"),
        (IdType.HK_MACAO, "H123456"),
        (IdType.TAIWAN, "T1234567"),
        (IdType.TAIWAN, "123456789"),
        (IdType.FOREIGN_PR, "US310085061501"),
    ],
)
def test_other_id_types_refuse_wrong_formats_with_a_type_specific_message(id_type: IdType, raw: str) -> None:
    assert key_of(validate_id, id_type, raw) == f"identity.format.{id_type.name.lower()}"


def test_new_foreigner_permanent_residence_id_checks_its_mod_11_2_digit() -> None:
    body = "93310085061500" + "123"
    good = body + mod11_2_check(body)
    assert validate_id(IdType.FOREIGN_PR, good).number == good
    bad = body + ("0" if good[-1] != "0" else "1")
    assert key_of(validate_id, IdType.FOREIGN_PR, bad) == "identity.invalid_checksum"


@pytest.mark.parametrize(
    "raw", ["1985-06-15", "1985年6月15日", "19850615", "1985/6/15", " 1985 年 06 月 15 日 "]
)
def test_birth_dates_are_read_in_the_usual_chinese_formats(raw: str) -> None:
    assert validate_birth_date(raw, TODAY) == date(1985, 6, 15)


def test_birth_dates_that_are_not_dates_or_make_no_sense_are_refused() -> None:
    assert key_of(validate_birth_date, "1985-02-30", TODAY) == "identity.date_format"
    assert key_of(validate_birth_date, "去年", TODAY) == "identity.date_format"
    assert key_of(validate_birth_date, "2015-01-01", TODAY) == "identity.birth_date_age"
    assert key_of(validate_birth_date, "1900-01-01", TODAY) == "identity.birth_date_age"


def test_the_sixteenth_birthday_is_old_enough() -> None:
    assert validate_birth_date("2008-08-01", TODAY) == date(2008, 8, 1)
    assert key_of(validate_birth_date, "2008-08-02", TODAY) == "identity.birth_date_age"


def test_a_birth_date_or_gender_contradicting_the_id_is_refused() -> None:
    rid = validate_id(IdType.RESIDENT, make_resident_id(), TODAY)
    cross_check(rid, date(1985, 6, 15), "男")
    assert key_of(cross_check, rid, date(1985, 6, 16), "男") == "identity.mismatch_birth_date"
    assert key_of(cross_check, rid, None, "女") == "identity.mismatch_gender"
    cross_check(validate_id(IdType.PASSPORT, "E12345678"), date(1990, 1, 1), "女")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张三 ", "张三"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("王𪚥", "王𪚥"),
        ("𠀀𠀁", "𠀀𠀁"),
        ("李〇", "李〇"),
    ],
)
def test_chinese_names_with_middle_dots_and_rare_characters_are_accepted(raw: str, expected: str) -> None:
    assert validate_name(raw) == expected


def test_name_length_counts_code_points_not_utf16_units() -> None:
    assert validate_name("𪚥" * 20) == "𪚥" * 20
    assert key_of(validate_name, "𪚥" * 21) == "identity.name_length"
    assert key_of(validate_name, "张") == "identity.name_length"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "identity.name_empty"),
        ("张三3", "identity.name_digits"),
        ("张三😀", "identity.name_chars"),
        ("张\x07三", "common.bad_characters"),
        ("·张三", "identity.name_dots"),
        ("张三·", "identity.name_dots"),
        ("阿依··买买提", "identity.name_dots"),
        ("张San", "identity.name_chars"),
        ("张三!", "identity.name_chars"),
    ],
)
def test_bad_names_are_refused_with_the_specific_reason(raw: str, key: str) -> None:
    assert key_of(validate_name, raw) == key


def test_latin_names_are_accepted_only_for_foreign_ids() -> None:
    assert validate_name("  Mary-Jane  O'Neil ", IdType.PASSPORT) == "Mary-Jane O'Neil"
    assert validate_name("José Álvarez Jr.", IdType.PASSPORT) == "José Álvarez Jr."
    assert key_of(validate_name, "John Smith") == "identity.name_latin_needs_foreign_id"
    assert key_of(validate_name, "A" * 61, IdType.PASSPORT) == "identity.name_length"


@pytest.mark.parametrize(
    "raw", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678", "8613812345678"]
)
def test_mobile_numbers_are_normalised_to_eleven_digits(raw: str) -> None:
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "0551-62636637", "1381234567a"])
def test_non_mainland_mobile_numbers_are_refused(raw: str) -> None:
    assert key_of(validate_mobile, raw) == "identity.mobile_format"


def test_masks_hide_the_middle_of_phones_and_ids() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id("34010419850615123X") == "340***********123X"
    assert mask_id("E12345678") == "E12**5678"
    assert mask_id("123") == "***"


def test_emails_including_idn_domains_are_accepted() -> None:
    assert validate_email(" Li.Si+exam@Example.COM ") == "Li.Si+exam@example.com"
    assert validate_email("li@例子.中国") == "li@例子.中国"


@pytest.mark.parametrize(
    "raw", ["lisi", "li@", "@x.com", "li@x", "li..si@x.com", "li@-x.com", "li si@x.com", "考评@x.com"]
)
def test_malformed_emails_are_refused(raw: str) -> None:
    assert key_of(validate_email, raw) == "identity.email_format"


def test_overlong_emails_are_refused() -> None:
    assert key_of(validate_email, "a" * 250 + "@x.com") == "identity.email_too_long"


def test_postcodes_are_six_digits() -> None:
    assert validate_postcode(" 230001 ") == "230001"
    assert validate_postcode("010000") == "010000"
    assert key_of(validate_postcode, "23001") == "identity.postcode_format"
    assert key_of(validate_postcode, "2300A1") == "identity.postcode_format"


def test_addresses_must_be_real_sentences_without_control_characters() -> None:
    assert validate_address(" 合肥市蜀山区长江西路100号 ") == "合肥市蜀山区长江西路100号"
    assert key_of(validate_address, "合肥") == "identity.text_too_short"
    assert key_of(validate_address, "合" * 121) == "identity.text_too_long"
    assert key_of(validate_address, "合肥市\n蜀山区") == "common.bad_characters"


def test_free_text_guard_rejects_control_characters_and_over_long_messages() -> None:
    assert guard_text("证书编号 A-001", "证书编号") == "证书编号 A-001"
    assert key_of(guard_text, "   ", "发证单位") == "identity.text_empty"
    assert key_of(guard_text, "x" * 4097, "备注") == "identity.text_too_long"
    assert key_of(guard_text, "abc\u202edef", "备注") == "common.bad_characters"
    assert guard_text("第一行\n第二行", "退回原因", multiline=True) == "第一行\n第二行"


def test_certificate_fields_are_trimmed_and_bounded() -> None:
    assert validate_certificate_number(" S000034000001233 ") == "S000034000001233"
    assert validate_issuer("安徽省职业技能鉴定中心") == "安徽省职业技能鉴定中心"
    assert validate_occupation("电工") == "电工"
    assert key_of(validate_certificate_number, "1" * 65) == "identity.certificate_number_format"
    assert validate_certificate_number("ｓ0000-3400 0001233") == "S000034000001233"
    for hidden in ("S0000\u200b34000001233", "S000034000001233\u202e", "S0000\x0034000001233"):
        assert key_of(validate_certificate_number, hidden) == "common.bad_characters"
    assert key_of(validate_certificate_number, "皖S000034000001233") == "identity.certificate_number_format"
    assert key_of(validate_occupation, "") == "identity.text_empty"


def test_work_start_date_is_not_in_the_future_nor_before_age_fourteen() -> None:
    assert validate_work_start("2020-07-01", TODAY) == date(2020, 7, 1)
    assert validate_work_start("2020年7月", TODAY) == date(2020, 7, 1)
    assert key_of(validate_work_start, "2025-01-01", TODAY) == "identity.work_start_future"
    assert (
        key_of(validate_work_start, "1995-01-01", TODAY, birth_date=date(1985, 6, 15))
        == "identity.work_start_too_early"
    )
    assert validate_work_start("1999-06-15", TODAY, birth_date=date(1985, 6, 15)) == date(1999, 6, 15)


def test_the_published_example_credit_code_and_generated_ones_are_valid() -> None:
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    code = make_uscc("91340100MA2N0ABC1")
    assert validate_uscc(code.lower()) == code


def test_credit_codes_with_wrong_length_letters_or_check_are_refused() -> None:
    assert key_of(validate_uscc, "91350100M000100Y4") == "identity.uscc_length"
    assert key_of(validate_uscc, "91350100M000100I43") == "identity.uscc_charset"
    assert key_of(validate_uscc, "91350100M000100Y44") == "identity.uscc_checksum"


def test_every_identity_key_raised_is_in_the_catalogue() -> None:
    path = Path(__file__).resolve().parents[2].joinpath("core", "profile", "identity.py")
    source = path.read_text(encoding="utf-8")
    keys = set(re.findall(r'"(identity\.[a-z_.]+)"', source))
    keys |= {f"identity.format.{t.name.lower()}" for t in IdType if t is not IdType.RESIDENT}
    assert keys and keys <= set(catalogue())
