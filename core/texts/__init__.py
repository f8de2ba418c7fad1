"""The one catalogue of user-facing text; every string a user reads comes from here."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_LOCALE = "zh_CN"


class MissingText(KeyError):
    """A key was asked for that no catalogue file defines."""


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(key, value, into)
        elif isinstance(value, str):
            if key in into:
                raise ValueError(f"text key defined twice: {key}")
            into[key] = value
        else:
            raise TypeError(f"text {key} must be a string, not {type(value).__name__}")


@cache
def catalogue(locale: str = DEFAULT_LOCALE) -> Mapping[str, str]:
    """Load every `<feature>.toml` of a locale once, flattened to dotted keys."""
    texts: dict[str, str] = {}
    folder = resources.files(__package__).joinpath(locale)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), texts)
    return texts


def t(key: str, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """Return the text for `key`, filled with `params` (str.format syntax)."""
    try:
        template = catalogue(locale)[key]
    except KeyError:
        raise MissingText(key) from None
    return template.format(**params) if params else template


def has(key: str, locale: str = DEFAULT_LOCALE) -> bool:
    """Tell whether the catalogue defines `key`."""
    return key in catalogue(locale)
