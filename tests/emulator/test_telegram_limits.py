"""Each Telegram limit or error the emulator reproduces, seen through a real PTB ``Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import zlib

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from emulator import BotApiEmulator
from tests.emulator.conftest import Api

NOT_MODIFIED = (
    "Message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)


def png(width: int, height: int) -> bytes:
    """A tiny but valid PNG header + IHDR (enough for dimension sniffing)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def keyboard(text: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)]])


@pytest.fixture
def chat(emu: BotApiEmulator) -> int:
    emu.user(1001, started=True)
    return 1001


async def test_text_over_4096_characters_is_refused(bot: Bot, chat: int) -> None:
    await bot.send_message(chat, "考" * 4096)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(chat, "考" * 4097)


async def test_text_length_is_counted_after_html_parsing(bot: Bot, chat: int) -> None:
    message = await bot.send_message(chat, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")
    assert message.text == "<" * 4096
    assert message.entities[0].type == "bold" and message.entities[0].length == 4096


async def test_raw_error_body_matches_telegram(api: Api, chat: int) -> None:
    status, body = await api.call("sendMessage", chat_id=chat, text="x" * 4097)
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}


async def test_caption_over_1024_characters_is_refused(bot: Bot, chat: int) -> None:
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_document(chat, b"data", filename="a.txt", caption="字" * 1025)


async def test_empty_text_is_refused(api: Api, chat: int) -> None:
    for text in ("", "   ", "<b></b>"):
        status, body = await api.call("sendMessage", chat_id=chat, text=text, parse_mode="HTML")
        assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, chat: int) -> None:
    await bot.send_message(chat, "ok", reply_markup=keyboard("按钮", "x" * 64))
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(chat, "too long", reply_markup=keyboard("按钮", "数" * 22))  # 66 bytes


async def test_inline_buttons_need_text_and_an_action(api: Api, chat: int) -> None:
    empty_text = {"inline_keyboard": [[{"text": "", "callback_data": "x"}]]}
    status, body = await api.call("sendMessage", chat_id=chat, text="x", reply_markup=empty_text)
    assert status == 400 and body["description"] == "Bad Request: BUTTON_TEXT_EMPTY"
    no_action = {"inline_keyboard": [[{"text": "只有文字", "callback_data": ""}]]}
    status, body = await api.call("sendMessage", chat_id=chat, text="x", reply_markup=no_action)
    assert body["description"].endswith("Text buttons are unallowed in the inline keyboard")


async def test_an_edit_that_changes_nothing_is_not_modified(bot: Bot, chat: int) -> None:
    message = await bot.send_message(
        chat, "<b>状态</b>", parse_mode="HTML", reply_markup=keyboard("刷新", "r")
    )
    with pytest.raises(BadRequest) as caught:
        await bot.edit_message_text(
            "<strong>状态</strong>",
            chat,
            message.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("刷新", "r"),
        )
    assert caught.value.message == NOT_MODIFIED
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(chat, message.message_id, reply_markup=keyboard("刷新", "r"))
    # dropping the keyboard (editing without reply_markup) is a modification, as on Telegram
    edited = await bot.edit_message_text("<b>状态</b>", chat, message.message_id, parse_mode="HTML")
    assert isinstance(edited, Message)
    assert edited.reply_markup is None and edited.edit_date is not None


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("AT&T", 'Unescaped "&"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("</b>", "Unexpected end tag at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_invalid_html_cannot_be_parsed(api: Api, chat: int, html: str, detail: str) -> None:
    status, body = await api.call("sendMessage", chat_id=chat, text=html, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: " + detail)


async def test_edits_of_missing_messages_are_refused(bot: Bot, chat: int, emu: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat, 999)
    user_message = await emu.user(chat).send_text("我的消息")
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_text("x", chat, user_message)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(chat, 999)


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(424242, "hi")


async def test_a_user_who_blocked_the_bot_is_forbidden(bot: Bot, emu: BotApiEmulator, chat: int) -> None:
    user = emu.user(chat)
    user.block()
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(chat, "hi")
    user.unblock()
    await bot.send_message(chat, "hi again")
    assert user.last_message is not None and user.last_message.text == "hi again"


async def test_a_user_who_never_started_the_bot_cannot_be_messaged(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(2002)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot can't initiate conversation with a user$"):
        await bot.send_message(2002, "hi")
    await user.send_command("/start")
    await bot.send_message(2002, "welcome")


async def test_get_file_refuses_files_over_20_mb(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(1001)
    await user.send_document(b"", "big.pdf", "application/pdf", declared_size=25 * 1024 * 1024)
    file_id = user.user_messages[1]["document"]["file_id"]
    with pytest.raises(BadRequest, match=r"^File is too big$"):
        await bot.get_file(file_id)
    with pytest.raises(BadRequest, match=r"^Wrong file_id or the file is temporarily unavailable$"):
        await bot.get_file("nope")


async def test_a_photo_upload_over_10_mb_is_too_large(bot: Bot, chat: int) -> None:
    big = png(4000, 3000) + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(NetworkError, match=r"Request Entity Too Large"):
        await bot.send_photo(chat, big)
    sent = await bot.send_photo(chat, png(640, 480))
    assert (sent.photo[-1].width, sent.photo[-1].height) == (640, 480)


async def test_answering_a_callback_query_twice_is_refused(bot: Bot, emu: BotApiEmulator, chat: int) -> None:
    message = await bot.send_message(chat, "选择", reply_markup=keyboard("确定", "ok"))
    task = asyncio.ensure_future(emu.user(chat).press("确定", timeout=2.0))
    updates = await bot.get_updates(timeout=2)
    query = updates[-1].callback_query
    assert query is not None and query.data == "ok" and query.message is not None
    assert query.message.message_id == message.message_id
    assert await query.answer("收到") is True
    answer = await task
    assert answer is not None and answer.text == "收到"
    with pytest.raises(
        BadRequest, match=r"^Query is too old and response timeout expired or query id is invalid$"
    ):
        await query.answer("again")


async def test_the_global_rate_limit_answers_429_with_retry_after(api: Api, emu: BotApiEmulator) -> None:
    emu.set_rate_limits(global_rate=5.0, per_chat_rate=None)
    emu.make_started_users(range(1, 11))
    results = [await api.call("sendMessage", chat_id=chat_id, text="广播") for chat_id in range(1, 11)]
    statuses = [status for status, _ in results]
    assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
    body = next(body for status, body in results if status == 429)
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert emu.stats.rate_limited == statuses.count(429)


async def test_the_per_chat_rate_limit_raises_retry_after_in_ptb(
    bot: Bot, emu: BotApiEmulator, chat: int
) -> None:
    emu.set_rate_limits(global_rate=None, per_chat_rate=0.5, per_chat_burst=3)
    for _ in range(3):
        await bot.send_message(chat, "消息")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(chat, "一条太多")
    assert caught.value.retry_after == dtm.timedelta(seconds=2)
    emu.user(2002, started=True)
    await bot.send_message(2002, "another chat is not throttled")


async def test_edits_and_callback_answers_do_not_count_against_limits(
    bot: Bot, emu: BotApiEmulator, chat: int
) -> None:
    emu.set_rate_limits(global_rate=None, per_chat_rate=0.1, per_chat_burst=1)
    message = await bot.send_message(chat, "0")
    for n in range(1, 6):
        await bot.edit_message_text(str(n), chat, message.message_id)


async def test_rate_limits_can_be_disabled(bot: Bot, emu: BotApiEmulator, chat: int) -> None:
    emu.set_rate_limits(global_rate=None, per_chat_rate=None)
    for n in range(60):
        await bot.send_message(chat, str(n))
    assert len(emu.user(chat).messages) == 60
