"""Renderers print the seal when given one, 未加盖印章（样本） otherwise; previews come from one command."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PIL import Image

from core.render.certificate import render_certificate
from core.render.previews import SAMPLE_CERTIFICATE, SAMPLE_TICKET, sample_seal, write_previews
from core.render.ticket import render_ticket
from tests.e2e.offline_factories import pdf_text

PLACEHOLDER = "未加盖印章（样本）"


def test_documents_without_a_seal_say_so() -> None:
    assert PLACEHOLDER in pdf_text(render_ticket(SAMPLE_TICKET))
    assert PLACEHOLDER in pdf_text(render_certificate(SAMPLE_CERTIFICATE))


def test_documents_with_a_seal_print_it_instead_of_the_notice() -> None:
    seal = sample_seal()
    ticket = render_ticket(replace(SAMPLE_TICKET, seal_png=seal))
    certificate = render_certificate(replace(SAMPLE_CERTIFICATE, seal_png=seal))
    assert PLACEHOLDER not in pdf_text(ticket) and PLACEHOLDER not in pdf_text(certificate)
    assert b"/SMask" in ticket and b"/SMask" in certificate  # the seal's transparency is kept


def test_the_certificate_states_gender_validity_and_issuer() -> None:
    text = pdf_text(render_certificate(SAMPLE_CERTIFICATE))
    for expected in (
        "性",
        "男",
        "有效期",
        "2026年9月20日至2029年9月19日",
        "发证机构：安徽省职业技能鉴定中心",
    ):
        assert expected in text, expected


def test_one_command_writes_every_preview(tmp_path: Path) -> None:
    written = write_previews(tmp_path)
    assert sorted(p.name for p in written) == [
        "preview-certificate-sealed.png",
        "preview-certificate.png",
        "preview-ticket-sealed.png",
        "preview-ticket.png",
    ]
    with Image.open(tmp_path / "preview-ticket.png") as page:
        assert page.height > page.width  # A4 portrait
