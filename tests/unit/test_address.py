"""A contact address must look like a Chinese postal address: a province or city, then a street part."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.profile.identity import check_chinese_address, validate_address
from core.texts import t

EXAMPLE = "安徽省合肥市蜀山区黄山路 100 号"


def _refusal(raw: str) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_address(raw)
    return caught.value.key, t(caught.value.key, **caught.value.params)


@pytest.mark.parametrize(
    "address",
    [
        "安徽省合肥市蜀山区黄山路100号",
        "合肥市蜀山区长江西路 100 号",
        "北京海淀中关村大街1号",
        "蚌埠市淮上区曹老集镇",
    ],
)
def test_plausible_addresses_are_kept_as_typed(address: str) -> None:
    assert validate_address(f" {address} ") == address


@pytest.mark.parametrize("word", ["Hefei", "Room 5, Hefei road", "abc 合肥"])
def test_a_latin_word_is_refused_with_an_example(word: str) -> None:
    key, text = _refusal(word)
    assert key == "identity.address_not_chinese" and EXAMPLE in text


def test_an_address_without_a_street_part_is_refused() -> None:
    key, text = _refusal("安徽省合肥市")
    assert key == "identity.address_no_street" and "街道门牌" in text and EXAMPLE in text


def test_an_address_without_a_province_or_city_is_refused() -> None:
    key, text = _refusal("黄山路100号")
    assert key == "identity.address_no_region" and EXAMPLE in text


def test_the_length_range_holds() -> None:
    assert _refusal("合肥市路1号")[0] == "identity.address_short"
    assert _refusal("合肥市黄山路" + "号" * 120)[0] == "identity.text_too_long"


def test_the_rule_runs_on_already_guarded_text() -> None:
    assert check_chinese_address("合肥市黄山路100号培训楼") == "合肥市黄山路100号培训楼"
