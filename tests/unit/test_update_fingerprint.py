"""An update's fingerprint is kept by its redelivery and differs for a new update reusing its id."""

from __future__ import annotations

import copy
from typing import Any

from core.db.redelivery import fingerprint


def message(update_id: int = 1, message_id: int = 1, date: int = 1_700_000_000, text: str = "/start") -> Any:
    chat = {"id": 42, "type": "private", "first_name": "张三"}
    sender = {"id": 42, "is_bot": False, "first_name": "张三"}
    return {
        "update_id": update_id,
        "message": {"message_id": message_id, "from": sender, "chat": chat, "date": date, "text": text},
    }


def press(update_id: int = 5, query_id: str = "77", message_date: int = 1_700_000_000) -> Any:
    shown = {"message_id": 3, "chat": {"id": 42, "type": "private"}, "date": message_date, "text": "请选择"}
    return {
        "update_id": update_id,
        "callback_query": {"id": query_id, "from": {"id": 42}, "message": shown, "data": "pick:1"},
    }


def test_a_redelivered_update_has_the_same_fingerprint() -> None:
    assert fingerprint(message()) == fingerprint(copy.deepcopy(message()))
    assert fingerprint(press()) == fingerprint(copy.deepcopy(press()))


def test_fields_outside_the_identity_do_not_change_it() -> None:
    renamed = message()
    renamed["message"]["from"]["first_name"] = "张三丰"
    renamed["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    assert fingerprint(renamed) == fingerprint(message())


def test_a_new_emulator_numbering_from_1_again_gives_a_new_fingerprint() -> None:
    assert fingerprint(message(date=1_700_000_600)) != fingerprint(message())
    assert fingerprint(message(text="个人信息")) != fingerprint(message())
    assert fingerprint(message(message_id=2)) != fingerprint(message())


def test_a_button_press_whose_query_id_restarted_is_told_apart_by_its_message() -> None:
    assert fingerprint(press(message_date=1_700_000_900)) != fingerprint(press())
    assert fingerprint(press(query_id="78")) != fingerprint(press())


def test_the_update_id_is_part_of_it() -> None:
    assert fingerprint(message(update_id=2)) != fingerprint(message())


def test_other_kinds_of_update_are_named_by_their_whole_payload() -> None:
    member = {"update_id": 9, "my_chat_member": {"chat": {"id": 42}, "date": 1, "new_chat_member": {}}}
    changed = copy.deepcopy(member)
    changed["my_chat_member"]["date"] = 2
    assert fingerprint(member) == fingerprint(copy.deepcopy(member))
    assert fingerprint(member) != fingerprint(changed)
