"""邮寄服务: a validated postal form, one waiting request at a time, staff send it with a tracking number."""

from __future__ import annotations

import pytest

from core.certificates.mailing import answer, mark_sent, my_requests, pending, start_request
from core.certificates.service import revoke
from core.db import Database
from core.errors import Conflict, InvalidInput, NotAllowed
from core.people.users import TelegramIdentity
from tests.e2e.offline_factories import STAFF, STAFF_IDS, make_candidate, make_plan
from tests.service.test_certificates import certified

HOLDER = TelegramIdentity(1001, "张三")


async def _fill(db: Database) -> int:
    await start_request(db, HOLDER)
    for value in ("张三", "138 0013 8000", "安徽省合肥市蜀山区黄山路100号", "230000"):
        step = await answer(db, HOLDER, value)
    assert step.request is not None
    return step.request.id


async def test_a_holder_requests_a_copy_and_staff_send_it(db: Database) -> None:
    await certified(db)
    request_id = await _fill(db)
    [waiting] = await pending(db, STAFF, STAFF_IDS)
    assert (waiting.id, waiting.mobile, waiting.postcode) == (request_id, "13800138000", "230000")
    sent = await mark_sent(db, STAFF, STAFF_IDS, [str(request_id), "sf1234567890"])
    assert (sent.tracking_no, sent.holder_telegram_id) == ("SF1234567890", 1001)
    assert await pending(db, STAFF, STAFF_IDS) == []
    assert [r.status for r in await my_requests(db, 1001)] == ["sent"]
    with pytest.raises(Conflict):
        await mark_sent(db, STAFF, STAFF_IDS, [str(request_id), "SF0000000000"])


async def test_a_bad_address_is_explained_and_asked_again(db: Database) -> None:
    await certified(db)
    await start_request(db, HOLDER)
    await answer(db, HOLDER, "张三")
    with pytest.raises(InvalidInput):
        await answer(db, HOLDER, "12345")
    step = await answer(db, HOLDER, "13800138000")
    assert step.next_field == "address"
    with pytest.raises(InvalidInput):
        await answer(db, HOLDER, "合肥")
    await answer(db, HOLDER, "安徽省合肥市蜀山区黄山路100号")
    with pytest.raises(InvalidInput):
        await answer(db, HOLDER, "2300")
    assert (await answer(db, HOLDER, "230000")).request is not None


async def test_requests_need_a_valid_certificate_and_are_not_doubled(db: Database) -> None:
    [number] = await certified(db)
    await _fill(db)
    with pytest.raises(Conflict):
        await start_request(db, HOLDER)
    await revoke(db, STAFF, STAFF_IDS, number, "材料不实")
    with pytest.raises(NotAllowed):
        await start_request(db, HOLDER)


async def test_no_certificate_no_mailing_and_staff_commands_are_staff_only(db: Database) -> None:
    plan = await make_plan(db)
    await make_candidate(db, 1001, "张三", plan)
    with pytest.raises(NotAllowed):
        await start_request(db, HOLDER)
    with pytest.raises(NotAllowed):
        await pending(db, HOLDER, STAFF_IDS)
    with pytest.raises(InvalidInput):
        await mark_sent(db, STAFF, STAFF_IDS, ["1"])
