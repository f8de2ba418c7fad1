"""`python -m core.render.previews docs/`: PNG previews of the ticket and certificate, for reviews.

Renders sample data (no real person) with and without a sample seal and rasterises page 1 with poppler's
pdftoppm at 72 dpi.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from core.render.certificate import CertificateData, render_certificate
from core.render.ticket import TicketData, render_ticket
from core.texts import t

DPI = 72
ISSUER = "安徽省职业技能鉴定中心"

SAMPLE_TICKET = TicketData(
    name="张三",
    id_number_masked="340104********123X",
    plan_no="2026120000000019",
    plan_name="2026年度技能人才评价考评员培训",
    batch_name="第1期（省直）",
    starts_at=datetime(2026, 9, 5, 9, 0),
    ends_at=datetime(2026, 9, 5, 17, 0),
    place="合肥市蜀山区黄山路100号 三楼培训室",
    ticket_no="000019-01-0023-4",
    notes=tuple(line for line in t("documents.ticket_notes").splitlines() if line.strip()),
    issuer=ISSUER,
    gender="男",
    employer="中国石化销售股份有限公司安徽石油分公司",
    occupation="电工",
)

SAMPLE_CERTIFICATE = CertificateData(
    holder_name="张三",
    id_number_masked="340104********123X",
    occupation="电工",
    level_scope=("五级/初级工", "四级/中级工", "三级/高级工"),
    certificate_no="KPY-2026-1VPS-3BQ3-F",
    issue_date=date(2026, 9, 20),
    verify_url="http://127.0.0.1:8080/verify?no=KPY-2026-1VPS-3BQ3-F",
    issuer=ISSUER,
    gender="男",
    valid_until=date(2029, 9, 19),
)


def sample_seal() -> bytes:
    """A plain red ring and star on transparency: shows where the seal goes without imitating a real one."""
    side = 400
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, side - 12, side - 12), outline=(200, 20, 20, 230), width=18)
    draw.regular_polygon((side // 2, side // 2, 64), 5, fill=(200, 20, 20, 230))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def rasterise(pdf: bytes, target: Path) -> None:
    """Page 1 of the PDF as a PNG at DPI dots per inch."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf)
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(source), str(stem)], check=True
        )
        target.write_bytes(stem.with_suffix(".png").read_bytes())


def write_previews(folder: Path) -> list[Path]:
    """Render every preview into the folder and return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    seal = sample_seal()
    documents = {
        "preview-ticket.png": render_ticket(SAMPLE_TICKET),
        "preview-ticket-sealed.png": render_ticket(replace(SAMPLE_TICKET, seal_png=seal)),
        "preview-certificate.png": render_certificate(SAMPLE_CERTIFICATE),
        "preview-certificate-sealed.png": render_certificate(replace(SAMPLE_CERTIFICATE, seal_png=seal)),
    }
    written = []
    for name, pdf in documents.items():
        rasterise(pdf, folder / name)
        written.append(folder / name)
    return written


def main(argv: list[str]) -> int:
    """Write the previews into the folder given (docs/ by default)."""
    for path in write_previews(Path(argv[0] if argv else "docs")):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
