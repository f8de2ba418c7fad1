"""The aiohttp server speaking the Telegram Bot API, plus the emulator's control API over its chats."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from aiohttp import web

from emulator.chats import Chat, Listener
from emulator.limits import MAX_DOCUMENT_UPLOAD, RateLimiter
from emulator.methods import CANONICAL_NAMES, METHODS, upload_limit_for
from emulator.params import ApiError, json_body, read_params
from emulator.state import JSON, BotMessage, CallbackAnswer, EmulatorStats, FileStore, message_json
from emulator.updates import UpdateQueue
from emulator.webhook import WebhookPusher

_UNSET: Any = object()
ChatT = TypeVar("ChatT", bound=Chat)


class BotApiServer(Generic[ChatT]):
    """The Bot API over HTTP, serving the chats in `users`; emulator.user.BotApiEmulator adds the users."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "examiner_test_bot",
        bot_first_name: str = "Examiner Test Bot",
        global_rate: float | None = 30.0,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 20,
        strict_html: bool = True,
        callback_query_ttl: float = 15.0,
        sent_log_size: int = 200_000,
        webhook_timeout: float = 30.0,
        webhook_retry_base: float = 0.1,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html = strict_html
        self.callback_query_ttl = callback_query_ttl
        self.limiter = RateLimiter(global_rate, per_chat_rate, per_chat_burst)
        self.stats = EmulatorStats()
        self.sent_log: deque[tuple[float, int, str]] = deque(maxlen=sent_log_size)
        self.files = FileStore()
        self.updates = UpdateQueue()
        # chats whose sends and edits fail as if Telegram were unreachable (an answer lost after its commit)
        self.unreachable_chats: set[int] = set()
        # sends and edits to these chats wait until the event is set: a reply stuck on a slow network
        self.held_chats: dict[int, asyncio.Event] = {}
        # setWebhook starts it; `webhook.targets = [url, …]` spreads deliveries round-robin over several bots
        self.webhook = WebhookPusher(self.updates, timeout=webhook_timeout, retry_base=webhook_retry_base)
        self.updates.on_change = self.webhook.wake
        self.users: dict[int, ChatT] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.callbacks: dict[str, tuple[Chat, float, asyncio.Future[CallbackAnswer]]] = {}
        self._callback_seq = 0
        self._runner: web.AppRunner | None = None
        # called with (user, event) whenever the bot sends, edits or deletes a message (the sandbox page)
        self.listeners: list[Listener] = []
        self.port = 0
        self.host = "127.0.0.1"
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }

    # ----- lifecycle ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=MAX_DOCUMENT_UPLOAD * 2)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self.updates.closed = False
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.host = host
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port

    async def stop(self) -> None:
        self.updates.wake_all()
        await self.webhook.stop()
        for _, _, future in self.callbacks.values():
            if not future.done():
                future.cancel()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ----- control API --------------------------------------------------------------------------
    def set_rate_limits(
        self,
        global_rate: float | None = _UNSET,
        per_chat_rate: float | None = _UNSET,
        per_chat_burst: int = _UNSET,
    ) -> None:
        """Change limits at runtime; pass ``None`` for a rate to disable it, omit to keep it."""
        lim = self.limiter
        self.limiter.configure(
            lim.global_rate if global_rate is _UNSET else global_rate,
            lim.per_chat_rate if per_chat_rate is _UNSET else per_chat_rate,
            lim.per_chat_burst if per_chat_burst is _UNSET else per_chat_burst,
        )

    def disable_rate_limits(self) -> None:
        self.set_rate_limits(global_rate=None, per_chat_rate=None)

    def push_update(self, kind: str, payload: JSON) -> int:
        return self.updates.push(kind, payload)

    def redeliver(self, update_id: int) -> None:
        """Hand an update out again, as Telegram does when a crashed bot had not confirmed it."""
        self.updates.redeliver(update_id)

    def serialize(self, message: BotMessage, user: Chat) -> JSON:
        reply_to: JSON | None = None
        if message.reply_to_message_id is not None:
            original = user.user_messages.get(message.reply_to_message_id)
            if original is None and message.reply_to_message_id in user.bot_messages:
                original = message_json(
                    user.bot_messages[message.reply_to_message_id], self.bot_user, user.chat_json()
                )
            reply_to = original
        return message_json(message, self.bot_user, user.chat_json(), reply_to)

    def push_callback_query(
        self, user: Chat, message: BotMessage, data: str
    ) -> asyncio.Future[CallbackAnswer]:
        self._callback_seq += 1
        query_id = f"{self.bot_id}{self._callback_seq:012d}"
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        self.callbacks[query_id] = (user, time.monotonic(), future)
        user.started = True
        payload: JSON = {
            "id": query_id,
            "from": user.user_json(),
            "message": self.serialize(message, user),
            "chat_instance": str(-(user.id * 7919 + self.bot_id)),
            "data": data,
        }
        user.last_update_id = self.push_update("callback_query", payload)
        return future

    # ----- HTTP ---------------------------------------------------------------------------------
    @staticmethod
    def _error(exc: ApiError) -> web.Response:
        body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.Response(status=exc.code, body=json_body(body), content_type="application/json")

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"].lower()
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = METHODS.get(name)
            self.stats.requests_by_method[CANONICAL_NAMES.get(name, name)] += 1
            if handler is None:
                raise ApiError(404, "Not Found")
            params, files = await read_params(request, upload_limit_for(name))
            if name.startswith(("send", "edit")) and params.get("chat_id") in self.unreachable_chats:
                raise ApiError(502, "Bad Gateway")
            chat = params.get("chat_id")
            held = self.held_chats.get(chat) if isinstance(chat, int) else None
            if held is not None and name.startswith(("send", "edit")):
                await held.wait()
            result = await handler(self, params, files)
        except ApiError as exc:
            self.stats.errors_by_code[exc.code] += 1
            if exc.code == 429:
                self.stats.rate_limited += 1
            return self._error(exc)
        return web.Response(body=json_body({"ok": True, "result": result}), content_type="application/json")

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self.files.by_path(request.match_info["path"])
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        if stored is None:
            return self._error(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
