"""PDF renderers: extractable embedded Chinese, determinism, photos, QR codes, glyph fallback.

Needs poppler-utils (pdftotext, pdftoppm, pdffonts); these tests fail, not skip, without them.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image

from core.render import certificate, ticket, typeface
from core.render.certificate import CertificateData, render_certificate, render_certificate_result
from core.render.qr import qr_matrix, qr_png
from core.render.ticket import TicketData, render_ticket, render_ticket_result

RARE = "𠀀"  # CJK Ext-B, not in WenQuanYi Micro Hei
NAME = f"阿依古丽·买买提{RARE}"

CERT = CertificateData(
    holder_name=NAME,
    id_number_masked="340104********123X",
    occupation="电工",
    level_scope=("五级/初级工", "四级/中级工", "三级/高级工"),
    certificate_no="KPY-2026-1VPS-3BQ3-F",
    issue_date=date(2026, 9, 3),
    verify_url="https://kpy.example.cn/v/KPY-2026-1VPS-3BQ3-F",
)

TICKET = TicketData(
    name="阿依古丽·买买提",
    id_number_masked="340104********123X",
    plan_no="2020120000000019",
    plan_name="2026年技能人才评价考评员培训",
    batch_name="第1期（省直）",
    starts_at=datetime(2026, 8, 30, 9, 0),
    ends_at=datetime(2026, 8, 30, 11, 30),
    place="安徽省职业技能鉴定中心三楼考场",
    ticket_no="000019-01-0023-4",
    notes=("请携带本准考证和有效身份证件，提前30分钟到达考场。", "手机等电子设备须关机。"),
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: install the apt package poppler-utils")
    return path


def _text(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "d.pdf").write_bytes(pdf)
    return subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(tmp_path / "d.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _raster(pdf: bytes, tmp_path: Path, dpi: int) -> Image.Image:
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            str(tmp_path / "r.pdf"),
            str(tmp_path / "r"),
        ],
        check=True,
    )
    return Image.open(tmp_path / "r.png").convert("L")


def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (30, 90, 160) if mode == "RGB" else (30, 90, 160, 128)).save(out, "PNG")
    return out.getvalue()


def test_certificate_text_is_extractable(tmp_path: Path) -> None:
    text = _text(render_certificate(CERT), tmp_path)
    for expected in (
        NAME,
        CERT.certificate_no,
        "电工",
        "普通考评员电子证书",
        "2026年9月3日",
        "安徽省职业技能鉴定中心",
        "三级/高级工",
        CERT.id_number_masked,
    ):
        assert expected in text, expected


def test_certificate_font_is_embedded_and_no_stsong(tmp_path: Path) -> None:
    pdf = render_certificate(CERT)
    (tmp_path / "f.pdf").write_bytes(pdf)
    out = subprocess.run(
        [_tool("pdffonts"), str(tmp_path / "f.pdf")], check=True, capture_output=True, text=True
    )
    fonts = out.stdout.splitlines()[2:]
    assert fonts and any("WenQuanYi" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts), out.stdout  # emb column
    assert b"STSong" not in pdf and b"Helvetica" not in pdf


def test_certificate_is_not_blank(tmp_path: Path) -> None:
    image = _raster(render_certificate(CERT), tmp_path, 50)
    w, h = image.size
    title_area = image.crop((int(w * 0.25), int(h * 0.12), int(w * 0.75), int(h * 0.25)))
    dark = sum(title_area.histogram()[:160])
    assert dark > 200


def test_certificate_is_deterministic() -> None:
    assert render_certificate(CERT) == render_certificate(replace(CERT))
    assert render_certificate(CERT) != render_certificate(replace(CERT, occupation="焊工"))


def test_missing_glyph_is_reported_not_fatal() -> None:
    result = render_certificate_result(CERT)
    assert result.missing_glyphs == {RARE}
    assert any(RARE in w for w in result.warnings)
    clean = render_certificate_result(replace(CERT, holder_name="张三"))
    assert clean.missing_glyphs == frozenset() and clean.warnings == ()


def test_odd_text_never_crashes() -> None:
    weird = "\x00\u200b\ufe0f𪚥\U0001f600\n王\u00adA"
    result = render_certificate_result(replace(CERT, holder_name=weird, occupation=weird * 20))
    assert result.pdf.startswith(b"%PDF")


def test_fallback_font_is_used_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.exists():
        pytest.skip("DejaVuSans not installed; the fallback mechanism needs some second font")
    snowman = "☃"
    assert snowman in typeface.missing_glyphs(snowman)
    monkeypatch.setattr(typeface, "_fallback_paths", lambda: (dejavu,))
    typeface.font_stack.cache_clear()
    try:
        assert typeface.missing_glyphs(f"张{snowman}") == frozenset()
        assert (
            render_certificate_result(replace(CERT, holder_name=f"张{snowman}")).missing_glyphs == frozenset()
        )
    finally:
        monkeypatch.undo()
        typeface.font_stack.cache_clear()


def _read_qr(
    image: Image.Image, dpi: int, x: float, y: float, size: float, page_h: float, n: int
) -> tuple[tuple[bool, ...], ...]:
    scale = dpi / 72
    left, top, module = x * scale, (page_h - y - size) * scale, size * scale / n
    return tuple(
        tuple(
            image.getpixel((int(left + (c + 0.5) * module), int(top + (r + 0.5) * module))) < 128
            for c in range(n)
        )
        for r in range(n)
    )


def test_certificate_qr_encodes_verify_url(tmp_path: Path) -> None:
    expected = qr_matrix(CERT.verify_url)
    image = _raster(render_certificate(CERT), tmp_path, 200)
    got = _read_qr(
        image,
        200,
        certificate.QR_X,
        certificate.QR_Y,
        certificate.QR_SIZE,
        certificate.PAGE[1],
        len(expected),
    )
    assert got == expected


def test_ticket_without_photo(tmp_path: Path) -> None:
    result = render_ticket_result(TICKET)
    assert result.warnings == ()
    text = _text(result.pdf, tmp_path)
    for expected in (
        TICKET.ticket_no,
        "准考证",
        TICKET.name,
        "2026年8月30日 09:00–11:30",
        TICKET.place,
        "考生须知",
    ):
        assert expected in text, expected
    expected_qr = qr_matrix(TICKET.ticket_no)
    image = _raster(result.pdf, tmp_path, 200)
    assert (
        _read_qr(image, 200, ticket.QR_X, ticket.QR_Y, ticket.QR_SIZE, ticket.PAGE[1], len(expected_qr))
        == expected_qr
    )


@pytest.mark.parametrize("photo", [_png((600, 800)), _png((800, 400)), _png((300, 400), "RGBA")])
def test_ticket_with_photo(photo: bytes, tmp_path: Path) -> None:
    with_photo = render_ticket_result(replace(TICKET, photo=photo))
    assert with_photo.warnings == ()
    assert with_photo.pdf != render_ticket(TICKET)
    assert render_ticket(replace(TICKET, photo=photo)) == with_photo.pdf
    image = _raster(with_photo.pdf, tmp_path, 50).convert("L")
    scale = 50 / 72
    cx = int((ticket.PHOTO_X + ticket.PHOTO_W / 2) * scale)
    cy = int((ticket.PAGE[1] - ticket.PHOTO_Y - ticket.PHOTO_H / 2) * scale)
    assert image.getpixel((cx, cy)) < 200  # the blue photo is drawn in its box


def test_ticket_with_broken_photo_warns() -> None:
    result = render_ticket_result(replace(TICKET, photo=b"not an image"))
    assert result.pdf.startswith(b"%PDF") and len(result.warnings) == 1


def test_ticket_long_notes_are_truncated_with_warning() -> None:
    result = render_ticket_result(replace(TICKET, notes=tuple("很长的须知内容" * 10 for _ in range(40))))
    assert result.pdf.startswith(b"%PDF") and result.warnings


def test_ticket_is_deterministic() -> None:
    assert render_ticket(TICKET) == render_ticket(replace(TICKET))


def test_qr_png_matches_matrix() -> None:
    matrix = qr_matrix("000019-01-0023-4")
    image = Image.open(io.BytesIO(qr_png("000019-01-0023-4", box_size=4, border=4))).convert("L")
    assert image.size == ((len(matrix) + 8) * 4,) * 2
    got = tuple(
        tuple(image.getpixel((16 + c * 4 + 2, 16 + r * 4 + 2)) < 128 for c in range(len(matrix)))
        for r in range(len(matrix))
    )
    assert got == matrix
