"""The sandbox page gets the bot's text escaped, with only Telegram's tags put back around entities."""

from __future__ import annotations

from bot.sandbox_view import entities_html
from emulator.html import parse_html


def rendered(html: str) -> str:
    text, entities = parse_html(html)
    return entities_html(text, entities)


def test_formatting_comes_back_as_telegram_tags() -> None:
    assert rendered("<b>粗体</b> 与 <i>斜体</i>") == "<b>粗体</b> 与 <i>斜体</i>"
    assert rendered("<b>外<i>内</i></b>") == "<b>外<i>内</i></b>"
    assert rendered("<code>a&lt;b</code>") == "<code>a&lt;b</code>"


def test_text_that_looks_like_markup_is_shown_not_run() -> None:
    text = '<script>alert(1)</script> & "x"'
    assert entities_html(text, []) == '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "x"'


def test_links_keep_only_web_and_telegram_schemes() -> None:
    link = {"type": "text_link", "offset": 0, "length": 3, "url": "https://t.me/x?start=a"}
    good = entities_html("看这里", [link])
    assert good.startswith('<a href="https://t.me/x?start=a"') and good.endswith("看这里</a>")
    script = {"type": "text_link", "offset": 0, "length": 2, "url": "javascript:alert(1)"}
    bad = entities_html("点我", [script])
    assert bad == "点我"


def test_offsets_count_utf16_units_as_telegram_does() -> None:
    assert rendered("😀<b>好</b>") == "😀<b>好</b>"
