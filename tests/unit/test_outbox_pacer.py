"""The outbox's pacer spaces a chat's messages by when they arrive, which is how Telegram counts them."""

from __future__ import annotations

import asyncio
from itertools import pairwise

from core.notices.outbox_worker import Pacer

INTERVAL = 0.2


async def _send(pacer: Pacer, chat_id: int, on_the_way: float, arrivals: list[float]) -> None:
    """One message: wait for its slot, spend `on_the_way` seconds reaching Telegram, then get the answer."""
    loop = asyncio.get_running_loop()
    await pacer.slot(chat_id)
    try:
        await asyncio.sleep(on_the_way)
        arrivals.append(loop.time())
    finally:
        pacer.answered(chat_id)


async def test_a_slow_message_and_the_next_to_its_chat_never_arrive_closer_than_the_interval() -> None:
    pacer = Pacer(rate=1000.0, per_chat_interval=INTERVAL)
    arrivals: list[float] = []
    # the first is held up on the way past the interval: spaced by dispatch, the second would overtake it
    await asyncio.gather(*(_send(pacer, 1, delay, arrivals) for delay in (3 * INTERVAL, 0.0, 0.0)))
    assert len(arrivals) == 3
    assert min(b - a for a, b in pairwise(arrivals)) >= INTERVAL


async def test_other_chats_are_not_held_back_by_a_slow_one() -> None:
    pacer = Pacer(rate=1000.0, per_chat_interval=INTERVAL)
    slow: list[float] = []
    quick: list[float] = []
    loop = asyncio.get_running_loop()
    began = loop.time()
    await asyncio.gather(
        _send(pacer, 1, 3 * INTERVAL, slow), *(_send(pacer, c, 0.0, quick) for c in (2, 3, 4))
    )
    assert max(quick) - began < INTERVAL


async def test_a_sender_cancelled_while_waiting_for_its_slot_frees_the_chat() -> None:
    pacer = Pacer(rate=4.0, per_chat_interval=0.0)  # a global slot every 0.25 s: the second sender waits
    await pacer.slot(5)
    pacer.answered(5)
    waiting = asyncio.create_task(pacer.slot(6))
    await asyncio.sleep(0.05)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    await asyncio.wait_for(pacer.slot(6), timeout=2.0)
