"""Every key Settings reads is documented in .env.example and in the README's settings table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_settings_key_is_in_env_example_and_the_readme() -> None:
    source = (ROOT / "core" / "settings.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'get\("([A-Z][A-Z0-9_]+)"\)', source))
    assert {"BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "LOG_FORMAT"} <= keys
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(k for k in keys if not re.search(rf"^{k}=", example, re.M)) == []
    assert sorted(k for k in keys if f"`{k}`" not in readme) == []
