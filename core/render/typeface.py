"""Embedded CJK font stack so Chinese renders and extracts on machines without Chinese fonts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PRIMARY_FILE = FONT_DIR / "wqy-microhei.ttc"
PRIMARY_NAME = "WQYMicroHei"
#: Drawn (with the real character as /ActualText) where no font has a glyph.
PLACEHOLDER = "〓"

Anchor = Literal["left", "centre", "right"]


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text drawn in one font; font None means no font has these glyphs."""

    text: str
    font: str | None


def _fallback_paths() -> tuple[Path, ...]:
    """Optional extra fonts (e.g. an Ext-B face) dropped next to the primary as fallback-*.ttf/ttc."""
    return tuple(sorted(p for p in FONT_DIR.glob("fallback-*") if p.suffix.lower() in {".ttf", ".ttc"}))


@cache
def font_stack() -> tuple[tuple[str, frozenset[int]], ...]:
    """Register the fonts once, on first use, and return (name, covered code points) in priority order."""
    stack: list[tuple[str, frozenset[int]]] = []
    paths = (PRIMARY_FILE, *_fallback_paths())
    for index, path in enumerate(paths):
        name = PRIMARY_NAME if index == 0 else f"RenderFallback{index}"
        try:
            font: Any = TTFont(name, str(path), subfontIndex=0)
        except Exception:
            if index == 0:
                raise
            continue  # a broken optional fallback must not stop certificates being issued
        pdfmetrics.registerFont(font)
        stack.append((name, frozenset(font.face.charToGlyph)))
    return tuple(stack)


def primary_font() -> str:
    """Name of the registered primary font, registering it if needed."""
    return font_stack()[0][0]


def _is_invisible(ch: str) -> bool:
    """Variation selectors and other format characters have no glyph and need none."""
    return unicodedata.category(ch) in {"Cf", "Mn"} and not unicodedata.combining(ch)


def clean(text: str) -> str:
    """Normalise to NFC, turn line breaks and tabs into spaces, drop invisible format characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch in "\r\n\t" else ch for ch in text)
    return "".join(ch for ch in text if not _is_invisible(ch) and unicodedata.category(ch) != "Cc")


def runs(text: str) -> list[Run]:
    """Split text into runs, each in the first font of the stack that has every glyph of the run."""
    stack = font_stack()
    out: list[Run] = []
    for ch in clean(text):
        font = next((name for name, cover in stack if ord(ch) in cover), None)
        if out and out[-1].font == font:
            out[-1] = Run(out[-1].text + ch, font)
        else:
            out.append(Run(ch, font))
    return out


def missing_glyphs(text: str) -> frozenset[str]:
    """Characters no available font can draw; callers report these instead of crashing."""
    return frozenset(ch for run in runs(text) if run.font is None for ch in run.text)


def text_width(text: str, size: float) -> float:
    """Width in points of text as draw_text would lay it out."""
    return sum(_run_width(run, size) for run in runs(text))


def _run_width(run: Run, size: float) -> float:
    if run.font is None:
        return float(pdfmetrics.stringWidth(PLACEHOLDER, primary_font(), size)) * len(run.text)
    return float(pdfmetrics.stringWidth(run.text, run.font, size))


def _actual_text(text: str) -> str:
    """A PDF marked-content span whose /ActualText makes extractors report the real characters."""
    return f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC"


def draw_text(
    canvas: Any, x: float, y: float, text: str, size: float, anchor: Anchor = "left"
) -> frozenset[str]:
    """Draw one line with per-glyph font fallback; return the characters drawn as placeholders."""
    line = runs(text)
    width = sum(_run_width(run, size) for run in line)
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    missing: set[str] = set()
    for run in line:
        if run.font is None:
            missing.update(run.text)
            canvas.setFont(primary_font(), size)
            for ch in run.text:
                canvas.addLiteral(_actual_text(ch))
                canvas.drawString(x, y, PLACEHOLDER)
                canvas.addLiteral("EMC")
                x += _run_width(Run(ch, None), size)
        else:
            canvas.setFont(run.font, size)
            canvas.drawString(x, y, run.text)
            x += _run_width(run, size)
    return frozenset(missing)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than width, between any two CJK characters or at spaces."""
    lines: list[str] = []
    current, current_width = "", 0.0
    for ch in clean(text):
        advance = _char_width(ch, size)
        if current and current_width + advance > width:
            if ch in "，。、；：！？）》」』,.;:!?)" and len(current) > 1:
                lines.append(current[:-1])  # keep closing punctuation off the start of a line
                current = current[-1] + ch
            else:
                lines.append(current.rstrip())
                current = ch.lstrip()
            current_width = sum(_char_width(c, size) for c in current)
        else:
            current += ch
            current_width += advance
    if current.strip():
        lines.append(current.rstrip())
    return lines


@lru_cache(maxsize=8192)
def _char_width(ch: str, size: float) -> float:
    """One character's advance; line widths are sums of these, so wrapping is linear in the text."""
    return text_width(ch, size)
