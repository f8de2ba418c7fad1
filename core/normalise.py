"""The one hygiene step every typed value passes before a field's own rule sees it.

`clean_text` puts text in Unicode NFC (NFKC for codes and numbers, so full-width ５ and Ａ become 5 and A),
trims it, and refuses what a reader cannot see but a comparison, a terminal or a database would:
- control characters (Cc: NUL, BEL, the ESC of an ANSI sequence; multi-line fields keep line breaks, tabs);
- format characters (Cf): bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks
  U+200E, U+200F and U+061C, zero-width space U+200B, word joiner U+2060, BOM U+FEFF, soft hyphen, tags;
- lone surrogates (Cs), which no UTF-8 store can hold, and the separators U+2028 and U+2029.
The one exception is the pair of joiners, ZERO WIDTH NON-JOINER U+200C and ZERO WIDTH JOINER U+200D: names in
the Uyghur (Arabic) script and in Indic scripts, and emoji sequences, need them to choose a letter's joined or
separate form, so they are kept between two other characters (at an edge or doubled they join nothing).
Mongolian free variation selectors U+180B–U+180D are combining marks, not format characters, and pass.
Every refusal is one catalogue message naming the refused characters as U+XXXX.

`parse_int` is the one bounded integer parser for numeric command arguments and ids in text or callback data:
out of range is a clear refusal, never a value the database overflows on.
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import InvalidInput

JOINERS = frozenset("\u200c\u200d")
# line breaks and tabs a multi-line field (a broadcast, a reason) may hold; refused in a one-line field
_LAYOUT = frozenset("\n\t")
_SEPARATORS = frozenset("\u2028\u2029")
# what trimming removes: tab, line breaks and the Unicode spaces (Zs), never another control character
_TRIM = (
    "\t\n\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_SHOWN_MAX = 8
# the largest id a BIGINT column (PostgreSQL) or SQLite INTEGER holds
ID_MAX = 2**63 - 1
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DIGITS_MAX = (
    19  # beyond this no 64-bit value can be meant; int() is never asked to read a megabyte of digits
)


def _refused(ch: str, multiline: bool) -> bool:
    if multiline and ch in _LAYOUT:
        return False
    return ch in _SEPARATORS or (unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in JOINERS)


def _loose_joiners(text: str) -> list[str]:
    """Joiners not between two other characters join nothing: at an edge or doubled they only hide."""
    return [
        ch
        for i, ch in enumerate(text)
        if ch in JOINERS
        and (i == 0 or i == len(text) - 1 or text[i - 1] in JOINERS or text[i + 1] in JOINERS)
    ]


def code_point(ch: str) -> str:
    """Name a character by its code point, the one way every reader can tell invisible characters apart."""
    return f"U+{ord(ch):04X}"


def refused_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The distinct characters of `text` that clean_text would refuse, in the order they first appear."""
    seen: dict[str, None] = {}
    for ch in text:
        if _refused(ch, multiline):
            seen.setdefault(ch)
    for ch in _loose_joiners(text):
        seen.setdefault(ch)
    return list(seen)


def clean_text(raw: str, *, code: bool = False, multiline: bool = False, field: str | None = None) -> str:
    """Return `raw` normalised (NFC, or NFKC for a code) and trimmed, or refuse its invisible characters
    (`field` rides along in the error's params, for a dialog or an importer that names the field)."""
    text = unicodedata.normalize("NFKC" if code else "NFC", raw).replace("\r\n", "\n").strip(_TRIM)
    bad = refused_characters(text, multiline=multiline)
    if bad:
        shown = "、".join(code_point(ch) for ch in bad[:_SHOWN_MAX]) + ("……" if len(bad) > _SHOWN_MAX else "")
        raise InvalidInput(
            "common.bad_characters", chars=shown, **({} if field is None else {"field": field})
        )
    return text


def parse_int(raw: str, *, low: int, high: int, error: str = "common.bad_number") -> int:
    """Read a typed whole number in [low, high] (full-width digits allowed) after the hygiene step, so an
    invisible character is named as such; anything else is `error`, never a value the database overflows."""
    return _bounded(clean_text(raw, code=True), raw, low, high, error)


def _bounded(text: str, raw: str, low: int, high: int, error: str) -> int:
    if not _INTEGER.fullmatch(text) or len(text.lstrip("+-").lstrip("0")) > _DIGITS_MAX:
        raise InvalidInput(error, value=visible(raw), low=low, high=high, min=low, max=high)
    value = int(text)
    if not low <= value <= high:
        raise InvalidInput(error, value=visible(raw), low=low, high=high, min=low, max=high)
    return value


def parse_id(raw: str, *, error: str = "common.bad_id") -> int:
    """Read a row id or Telegram id from text or callback data: a positive 64-bit integer, or `error`."""
    return parse_int(raw, low=1, high=ID_MAX, error=error)


def visible(raw: str, limit: int | None = 40) -> str:
    """A refused value as a reply may echo it: short, and without the characters clean_text refuses."""
    cut = raw if limit is None else raw[:limit]
    shown = "".join(ch for ch in cut if ch == "\n" or not _refused(ch, False))
    return shown + ("…" if limit is not None and len(raw) > limit else "")


def button_number(raw: str) -> int:
    """Read a number carried in callback data (an id, a page, an index); only a forged or outdated button
    carries anything outside 0..ID_MAX, so that is the stale-button refusal, never a database overflow."""
    return _bounded(raw, raw, 0, ID_MAX, "common.stale_button")


MESSAGE_LIMIT = 4096


def guard_text(
    raw: str, field: str, max_len: int = MESSAGE_LIMIT, min_len: int = 1, multiline: bool = False
) -> str:
    """The guard for any free text: core.normalise's hygiene first, then the field's length."""
    text = clean_text(raw, multiline=multiline, field=field)
    if not text:
        raise InvalidInput("identity.text_empty", field=field)
    if len(text) > max_len:
        raise InvalidInput("identity.text_too_long", field=field, max=max_len, length=len(text))
    if len(text) < min_len:
        raise InvalidInput("identity.text_too_short", field=field, min=min_len, length=len(text))
    return text


_NUMBER_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·]+")


def squash(text: str) -> str:
    """Fold full-width IME input, case and separators so only the symbols of a number are left."""
    text = unicodedata.normalize("NFKC", text).upper()
    return _NUMBER_SEPARATORS.sub("", text)
