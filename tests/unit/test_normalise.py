"""The one hygiene step: what it keeps, what it refuses and how it says so; the bounded integer parser."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.normalise import ID_MAX, button_number, clean_text, parse_id, parse_int
from core.texts import t


def refusal(raw: str, **kwargs: bool) -> str:
    with pytest.raises(InvalidInput) as caught:
        clean_text(raw, **kwargs)
    assert caught.value.key == "common.bad_characters"
    return t(caught.value.key, **caught.value.params)


def test_text_is_composed_and_trimmed() -> None:
    assert clean_text("  e\u0301 \u3000") == "\u00e9"
    assert clean_text("\t张三\r\n") == "张三"


def test_codes_fold_full_width_forms() -> None:
    assert clean_text("ＡＢ１２３", code=True) == "AB123"
    assert clean_text("ＡＢ１２３") == "ＡＢ１２３"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("a\x00b", "U+0000"),
        ("响铃\x07", "U+0007"),
        ("\x1b[31m红色\x1b[0m", "U+001B"),
        ("合肥\u202e市", "U+202E"),
        ("合肥\u2066市\u2069", "U+2066、U+2069"),
        ("S0000\u200b1", "U+200B"),
        ("\ufeffS00001", "U+FEFF"),
        ("S00\u2060001", "U+2060"),
        ("张\u00ad三", "U+00AD"),
        ("a\ud800b", "U+D800"),
        ("第一行\n第二行", "U+000A"),
        ("一\u2028二", "U+2028"),
    ],
)
def test_invisible_characters_are_refused_by_code_point(raw: str, named: str) -> None:
    message = refusal(raw)
    assert named in message and "控制字符" in message


def test_line_breaks_and_tabs_are_kept_where_the_field_has_lines() -> None:
    assert clean_text("第一行\r\n第二行\t末尾", multiline=True) == "第一行\n第二行\t末尾"
    assert "U+0000" in refusal("第一行\n\x00", multiline=True)


def test_joiners_stay_inside_a_name_that_needs_them() -> None:
    uyghur = "\u0626\u06d0\u0632\u200c\u0632\u0627\u062a"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(uyghur) == uyghur
    assert clean_text(family) == family
    assert "U+200D" in refusal("\u200d张三")
    assert "U+200C" in refusal("张三\u200c")
    assert "U+200C" in refusal("张\u200c\u200c三")


def test_many_refused_characters_are_listed_briefly() -> None:
    message = refusal("".join(chr(c) for c in range(1, 20)))
    assert "U+0001" in message and "U+0008" in message and "U+0009" not in message and "……" in message


def test_integers_are_read_within_their_range() -> None:
    assert parse_int(" ４２ ", low=0, high=100) == 42
    assert parse_int("-3", low=-5, high=5) == -3
    assert parse_id(str(ID_MAX)) == ID_MAX


@pytest.mark.parametrize(
    "raw", ["", "abc", "1.5", "0x10", "1e3", "٣", "1 000", "101", "-1", "9" * 30, "9" * 5000]
)
def test_anything_else_is_the_fields_own_refusal(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_int(raw, low=0, high=100, error="offline.exam.bad_score")
    assert caught.value.key == "offline.exam.bad_score"
    assert len(t(caught.value.key, **caught.value.params)) < 200


def test_an_id_beyond_64_bits_is_refused_before_any_query() -> None:
    for raw in (str(ID_MAX + 1), "0", "-7", "1" * 40):
        with pytest.raises(InvalidInput) as caught:
            parse_id(raw)
        assert caught.value.key == "common.bad_id"
    with pytest.raises(InvalidInput) as caught:
        parse_id("12\x0034")
    assert caught.value.key == "common.bad_characters" and caught.value.params["chars"] == "U+0000"


def test_a_forged_button_number_is_a_stale_button() -> None:
    assert button_number("0") == 0 and button_number(str(ID_MAX)) == ID_MAX
    for raw in ("²", "٣", "9" * 40, "-1", "1\x00", ""):
        with pytest.raises(InvalidInput) as caught:
            button_number(raw)
        assert caught.value.key == "common.stale_button"
        assert "\x00" not in str(caught.value.params.get("value", ""))
