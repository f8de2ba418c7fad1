"""Every text key the code asks for exists, and the catalogue is well-formed."""

from __future__ import annotations

import re
from pathlib import Path

from core.texts import catalogue, has, t

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_literal_key_in_the_code_is_in_the_catalogue() -> None:
    texts = catalogue()
    missing = []
    for folder in ("bot", "core", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
                if key not in texts:
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_menu_labels_are_the_portal_words() -> None:
    labels = [
        t(f"menu.item.{k}")
        for k in (
            "profile",
            "notice",
            "registration",
            "study",
            "results",
            "ticket",
            "archive",
            "certificate",
            "contact",
        )
    ]
    assert labels == [
        "个人信息",
        "考生须知",
        "我的报名",
        "培训学习",
        "成绩查询",
        "打印准考证",
        "考试档案",
        "证书查看",
        "联系我们",
    ]


def test_texts_are_simplified_chinese_not_placeholders() -> None:
    for key, text in catalogue().items():
        assert text.strip(), key
        assert "TODO" not in text, key


def test_every_registration_status_has_a_label_for_the_archive() -> None:
    from core.rules import RegistrationStatus

    assert [s.value for s in RegistrationStatus if not has(f"certs.status.{s.value}")] == []
