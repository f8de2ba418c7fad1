"""The seal upload is judged by its content: a PNG, about square, with a transparent background."""

from __future__ import annotations

import pytest

from core.certificates.seal_image import MAX_BYTES, check_seal, preview_png
from core.errors import InvalidInput
from core.texts import t
from tests.seal_samples import blank_png, jpeg_bytes, seal_png, strip_png, white_background_png


def _refusal(data: bytes) -> str:
    with pytest.raises(InvalidInput) as caught:
        check_seal(data)
    return t(caught.value.key, **caught.value.params)


def test_a_transparent_png_seal_is_accepted_and_re_encoded() -> None:
    checked = check_seal(seal_png())
    assert (checked.width, checked.height) == (400, 400)
    assert checked.png.startswith(b"\x89PNG") and len(checked.sha256) == 64
    assert preview_png(checked.png).startswith(b"\x89PNG")


def test_a_jpeg_is_refused_whatever_it_is_called() -> None:
    assert "不是可读取的 PNG" in _refusal(jpeg_bytes())


def test_a_truncated_png_is_refused() -> None:
    assert "PNG" in _refusal(seal_png()[:200])


def test_a_white_background_is_refused_with_how_to_fix_it() -> None:
    text = _refusal(white_background_png())
    assert "背景不透明" in text and "透明通道" in text


def test_an_empty_image_is_refused() -> None:
    assert "几乎全部透明" in _refusal(blank_png())


def test_a_banner_or_a_tiny_image_is_refused_with_its_size() -> None:
    assert "900×200" in _refusal(strip_png())
    assert "100×100" in _refusal(seal_png(100))


def test_more_than_two_megabytes_is_refused() -> None:
    assert "超过了 2 MB" in _refusal(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_BYTES)
