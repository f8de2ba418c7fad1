"""One candidate's whole journey through the real bot over HTTP: profile, registration, a full quiz attempt.

Every user action is one update; its latency runs from sending it until the bot's first visible answer
(a new message, or the redraw of the quiz message).
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.load import LoadResult
from bench.seed import (
    FIRST_TELEGRAM_ID,
    INSTITUTION,
    NAME,
    REGISTRATION_PLAN_LABEL,
    certificate_number_for,
    id_number_for,
)
from core.texts import t
from emulator import BotMessage, EmulatedUser

TIMEOUT = 30.0
NOTICE_MARK = "【通知】"
# what the bot sends unasked at any moment: a staff broadcast, and the headers of the scheduled notices
# (core/texts/zh_CN/notices.toml and plans.toml); a script reading one as its answer would lose its place
UNASKED = (
    NOTICE_MARK,
    "【报名即将截止】",
    "【在线学习即将截止】",
    "【线下培训提醒】",
    "【每日汇总】",
    "【考评计划时间调整】",
)
_KIND = re.compile(r"· (单选题|多选题|判断题)")
_FIRST = re.compile(r"第 1/(\d+) 题")


class JourneyError(AssertionError):
    """The bot answered something the script did not expect."""


class ReplyLost(JourneyError):
    """The bot said the step was kept before a restart, and its answer never came: it died with the process.

    The note tells the person to go on from the menu; the script stops there instead of guessing the state.
    """


@dataclass
class Acknowledged:
    """What the bot confirmed to each user: quiz answers it redrew, attempts handed in, actions repeated."""

    answers: dict[int, set[int]] = field(default_factory=dict)
    handed_in: set[int] = field(default_factory=set)
    repeated: int = 0
    restart_notes: int = 0
    # per user, the bot messages after which the user repeated an action: the next reply may rightly repeat it
    repeated_after: dict[int, set[int]] = field(default_factory=dict)


class Journey:
    """Drive one user, timing each update into a shared LoadResult."""

    def __init__(
        self,
        user: EmulatedUser,
        result: LoadResult,
        acknowledged: Acknowledged | None = None,
        *,
        timeout: float = TIMEOUT,
        retries: int = 0,
        stop_when_reply_lost: bool = False,
    ) -> None:
        self.user = user
        self.result = result
        self.acknowledged = acknowledged
        self.timeout = timeout
        self.retries = retries
        self.repeated = 0  # actions the user had to repeat because the bot never answered
        self.restart_notes = 0  # "saved before the restart" notes; read and passed over, as a person would
        self.repeated_after: set[int] = set()  # ids of the last bot message when an action was repeated
        self.stop_when_reply_lost = stop_when_reply_lost
        self._noted = False  # a restart note came while waiting for the current step's answer
        self._screen = ""  # the last bot message read: a redelivery may show that screen once more
        self.screens_again = 0

    async def _timed(
        self, action: Callable[[], Awaitable[object]], wait: Callable[[], Awaitable[BotMessage]]
    ) -> BotMessage:
        for attempt in range(self.retries + 1):
            began = time.perf_counter()
            self._noted = False
            await action()
            try:
                message = await wait()
            except TimeoutError as error:
                if self._noted and self.stop_when_reply_lost:
                    raise ReplyLost(f"user {self.user.id}: step kept, answer lost in the restart") from error
                if attempt == self.retries:
                    raise
                self.repeated += 1
                last = self.user.last_message
                if last is not None:
                    self.repeated_after.add(last.message_id)
                continue
            self.result.updates += 1
            self.result.latencies.append(time.perf_counter() - began)
            return message
        raise AssertionError("unreachable")

    async def _next(self) -> BotMessage:
        """The bot's next message in this chat, passing over notices and restart notes (any moment)."""
        while True:
            message = await self.user.next_message(timeout=self.timeout)
            if not self._passed_over(message):
                self._screen = message.content
                return message

    def _passed_over(self, message: BotMessage) -> bool:
        """Tell whether a message is one the script reads past: a notice, or a restart note (counted)."""
        if message.content == self._screen:  # a step applied before a restart, shown again (bot/apply_once)
            self.screens_again += 1
            return True
        if message.content == t("common.already_applied"):
            self.restart_notes += 1  # the next answer is still to come, or the step gets repeated
            self._noted = True
            return True
        return message.content.startswith(UNASKED)

    async def send(self, text: str, *, then: int = 0, expect: str | None = None) -> BotMessage:
        """Send text, time until the first reply, read `then` more replies; return the last one."""
        message = await self._timed(lambda: self.user.send_text(text), self._next)
        return await self._more(message, then, expect)

    async def press(
        self, label: str, *, then: int = 0, expect: str | None = None, message_id: int | None = None
    ) -> BotMessage:
        """Press a button, time until the bot's first new message, read `then` more."""
        message = await self._timed(
            lambda: self.user.press(label, message_id=message_id, timeout=self.timeout), self._next
        )
        return await self._more(message, then, expect)

    async def _more(self, message: BotMessage, then: int, expect: str | None) -> BotMessage:
        """Read up to `then` more replies; the expected screen ends the step early, as after a replay.

        A step saved before a crash whose answer was lost comes back as the current step's screen alone
        (bot/apply_once), without the 「已保存」 line before it: a person reads the question and goes on.
        """
        for _ in range(then):
            if expect is not None and expect in message.content:
                break
            try:
                message = await self._next()
            except TimeoutError as error:  # the step's first answer came, the process died before the rest
                if self._noted and self.stop_when_reply_lost:
                    raise ReplyLost(f"user {self.user.id}: step kept, answer cut short") from error
                raise
        if expect is not None and expect not in message.content:
            raise JourneyError(f"user {self.user.id}: expected {expect!r}, got {message.content[:200]!r}")
        return message

    async def press_and_redraw(self, label: str, message_id: int) -> BotMessage:
        """Press a button on a message the bot redraws in place; time until the redraw."""
        return await self._timed(
            lambda: self.user.press(label, message_id=message_id, timeout=self.timeout),
            lambda: self._edited(message_id),
        )

    async def _edited(self, message_id: int) -> BotMessage:
        while True:
            event = await self.user.next_event(timeout=self.timeout)
            if event.kind == "edit" and event.message.message_id == message_id:
                return event.message
            if event.kind == "message":
                self._passed_over(event.message)

    # ----- the three parts ----------------------------------------------------------------------
    async def profile(self) -> None:
        n = self.user.id - FIRST_TELEGRAM_ID
        await self.send("个人信息", expect="个人信息处理告知")
        await self.press("同意并继续", expect="敏感个人信息")
        await self.press("同意处理敏感个人信息", then=1, expect="证件类型")
        await self.press("居民身份证(中国大陆)", then=1, expect="证件号码")
        await self.send(id_number_for(n), then=1, expect="姓名")
        await self.send(NAME, then=1, expect="学历")
        await self.press("大学本科", then=1, expect="手机号码")
        await self.send(f"138{n:08d}", then=1, expect="电子邮箱")
        await self.send(f"c{n}@example.com", then=1, expect="邮政编码")
        await self.send("230001", then=1, expect="报考区域")
        await self.press("省直", then=1, expect="考生类别")
        await self.press("企业职工", then=1, expect="联系地址")
        await self.send("合肥市蜀山区长江西路 100 号", then=1, expect="人员身份")
        await self.press("选好了")
        await self.send("电信")
        await self.press(INSTITUTION, then=1, expect="参加工作时间")
        await self.press("跳过")
        await self.photo()
        await self.press("确认无误")

    async def photo(self) -> None:
        from bench.images import portrait

        message = await self._timed(lambda: self.user.send_photo(portrait()), self._next)
        await self._more(message, 1, "个人信息核对")

    async def registration(self) -> None:
        await self.send("我的报名", expect="可以报名的考评计划")
        await self.press(REGISTRATION_PLAN_LABEL)
        await self.press("报考：电工", expect="报名状态：未提交")
        await self.press("添加证书")
        await self.press("职业资格/技能等级证书")
        await self.press("电工")
        await self.press("三级/高级工", expect="证书编号")
        await self.send(certificate_number_for(self.user.id), expect="发证单位")
        await self.send("安徽省职业技能鉴定中心", expect="发证日期")
        view = await self.send("2015-06-01", then=1, expect="报名状态")
        if "系统已核验" not in view.content:
            raise JourneyError(f"user {self.user.id}: certificate not verified: {view.content[:200]!r}")
        await self.press("确认诚信承诺")
        await self.press("我已阅读并承诺", then=1, expect="报名条件均已满足")
        await self.press("提交报名", then=1, expect="报名状态：待审核")

    async def start_quiz(self) -> tuple[BotMessage, int]:
        """Open 培训学习 and start an attempt: the first question and how many the paper has."""
        overview = await self.send("培训学习", expect="180/180")
        await self.press("开始线上考核", message_id=overview.message_id, expect="确认开始")
        message = await self.press("确认开始")
        first = _FIRST.search(message.content)
        if first is None:
            raise JourneyError(f"user {self.user.id}: expected question 1, got {message.content[:200]!r}")
        return message, int(first[1])

    async def quiz(self) -> None:
        message, questions = await self.start_quiz()
        for n in range(questions):
            message = await self.answer(message, n)
        await self.press_and_redraw("交卷", message.message_id)
        result = await self.press_and_redraw("确认交卷", message.message_id)
        if "得分" not in result.content:
            raise JourneyError(f"user {self.user.id}: expected a score, got {result.content[:200]!r}")
        if self.acknowledged is not None:
            self.acknowledged.handed_in.add(self.user.id)

    async def answer(self, message: BotMessage, position: int) -> BotMessage:
        """Answer the question shown with its first option (multiple choice: tick A, then confirm)."""
        kind = _KIND.search(message.content)
        if kind is None:
            raise JourneyError(f"user {self.user.id}: not a question: {message.content[:200]!r}")
        if kind[1] == "多选题":
            ticked = await self.press_and_redraw("☐ A", message.message_id)
            redrawn = await self.press_and_redraw("确认本题答案", ticked.message_id)
        else:
            redrawn = await self.press_and_redraw("正确" if kind[1] == "判断题" else "A", message.message_id)
        if self.acknowledged is not None:
            self.acknowledged.answers.setdefault(self.user.id, set()).add(position)
        return redrawn

    async def let_time_run_out(self, answered: int, *, within: float) -> BotMessage:
        """Start an attempt, answer the first questions, then wait for the bot to hand it in at the limit."""
        message, _ = await self.start_quiz()
        for n in range(answered):
            message = await self.answer(message, n)
        while True:
            result = await self.user.next_message(timeout=within)
            if result.content.startswith(t("quiz.result_timed_out")):
                return result
            if not self._passed_over(result):
                raise JourneyError(f"user {self.user.id}: expected the hand-in, got {result.content[:200]!r}")


async def whole_journey(journey: Journey, approve: Callable[[int], Awaitable[None]]) -> None:
    """Profile, registration, approval with study credit (written by the harness), one full quiz attempt."""
    await journey.profile()
    await journey.registration()
    await approve(journey.user.id)
    await journey.quiz()
