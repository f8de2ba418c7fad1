"""Photos and proofs are recognised by their bytes, never by their names, and sized before download."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.errors import InvalidInput
from core.profile.photos import check_declared_size, inspect_image, inspect_portrait, inspect_proof


def image(fmt: str, width: int = 300, height: int = 400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (1, 2, 3)).save(out, fmt)
    return out.getvalue()


def test_jpeg_and_png_are_recognised_by_content() -> None:
    assert inspect_image(image("JPEG")).mime_type == "image/jpeg"
    assert inspect_image(image("PNG")).mime_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n%%EOF",
        b"\xff\xd8\xff\xe0" + bytes(200),
        b"\x89PNG\r\n\x1a\n" + bytes(40),
        image("GIF"),
        b"",
    ],
    ids=["pdf", "jpeg-magic-only", "png-magic-only", "gif", "empty"],
)
def test_anything_else_is_not_an_image(data: bytes) -> None:
    with pytest.raises(InvalidInput, match=r"photos\.not_image"):
        inspect_image(data)


def test_a_truncated_jpeg_is_refused() -> None:
    data = image("JPEG", 600, 800)
    with pytest.raises(InvalidInput, match=r"photos\.not_image"):
        inspect_image(data[: len(data) // 2])


def test_portraits_must_be_upright_and_large_enough() -> None:
    assert inspect_portrait(image("JPEG", 150, 200)).height == 200
    with pytest.raises(InvalidInput, match=r"photos\.too_small"):
        inspect_portrait(image("JPEG", 149, 200))
    with pytest.raises(InvalidInput, match=r"photos\.not_portrait"):
        inspect_portrait(image("PNG", 400, 300))


def test_declared_sizes_are_checked_before_download() -> None:
    check_declared_size(None)
    check_declared_size(3 * 1024 * 1024)
    with pytest.raises(InvalidInput, match=r"photos\.too_large$"):
        check_declared_size(3 * 1024 * 1024 + 1)
    with pytest.raises(InvalidInput, match=r"photos\.too_large_to_download"):
        check_declared_size(21 * 1024 * 1024, 10 * 1024 * 1024)


def test_proofs_are_images_or_complete_pdfs() -> None:
    assert inspect_proof(b"%PDF-1.7\n...\n%%EOF\n") == "application/pdf"
    assert inspect_proof(image("PNG")) == "image/png"
    with pytest.raises(InvalidInput, match=r"photos\.proof_broken_pdf"):
        inspect_proof(b"%PDF-1.7\n truncated")
    with pytest.raises(InvalidInput, match=r"photos\.proof_not_allowed"):
        inspect_proof(b"PK\x03\x04")
