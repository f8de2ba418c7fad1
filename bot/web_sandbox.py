"""The sandbox page and its API: chat as several personas over the emulator, and move the sandbox clock.

Only registered when the bot runs against the local emulator (no BOT_TOKEN); with a token none of these
routes exist. Every POST needs the `X-Sandbox` header, which a foreign web page cannot send without CORS.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
from datetime import datetime, timedelta
from html import escape
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import BodyPartReader, WSMsgType, web

from bot.context import BotServices
from bot.sandbox_session import Persona, SandboxSession
from bot.sandbox_view import INLINE_TYPES
from core.errors import DomainError
from core.people.liaisons import CANDIDATE_PREFIX, LIAISON_PREFIX
from core.sandbox_clock import next_window_close
from core.texts import catalogue, t
from emulator.limits import MAX_TEXT_LENGTH

MAX_UPLOAD = 20 * 1024 * 1024
STATIC = ("sandbox.js", "sandbox.css")
PHOTO_TYPES = ("image/jpeg", "image/png")
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}

Key = web.AppKey[BotServices]


def _refuse(status: int, key: str, **params: Any) -> web.Response:
    return web.json_response({"error": t(key, **params)}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    if minutes <= 0:
        return t("sandbox.clock.real")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        t(f"sandbox.clock.{unit}", n=n)
        for unit, n in (("days", days), ("hours", hours), ("minutes", mins))
        if n
    ]
    return t("sandbox.clock.ahead", offset=" ".join(parts))


async def clock_state(services: BotServices, session: SandboxSession) -> dict[str, Any]:
    """The sandbox time as the page shows it, and the next window close it can jump to."""
    tz = services.settings.timezone
    now = session.clock()
    close = await next_window_close(services.db, now, tz)

    def local(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    return {
        "now": now.isoformat(),
        "local": local(now),
        "offset": _offset_text(session.clock.offset),
        "next_close": None
        if close is None
        else t(
            "sandbox.clock.close_at",
            plan=close.plan_no,
            window=t(f"sandbox.clock.window_{close.window}"),
            at=local(close.closes),
        ),
    }


def routes(key: Key) -> list[web.RouteDef]:
    """The sandbox's routes, added to the bot's web app only when the sandbox runs."""

    def session_of(request: web.Request) -> tuple[BotServices, SandboxSession]:
        services = request.app[key]
        assert services.sandbox is not None
        return services, services.sandbox

    def persona_of(request: web.Request) -> Persona:
        _, session = session_of(request)
        raw = request.match_info["persona"]
        persona = session.persona(int(raw)) if raw.isdigit() else None
        if persona is None:
            raise web.HTTPNotFound(
                text=t("sandbox.error.unknown_persona", id=raw[:20]), content_type="text/plain"
            )
        return persona

    def guarded(request: web.Request) -> None:
        if request.headers.get("X-Sandbox") != "1":
            raise web.HTTPForbidden(text=t("sandbox.error.bad_request", reason="X-Sandbox"))

    async def page(request: web.Request) -> web.Response:
        body = resources.files("bot").joinpath("sandbox_static/index.html").read_text(encoding="utf-8")
        body = body.replace("<title>Sandbox</title>", f"<title>{escape(t('sandbox.title'))}</title>")
        return web.Response(text=body, content_type="text/html", headers={"Cache-Control": "no-store"})

    async def static(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        body = resources.files("bot").joinpath(f"sandbox_static/{name}").read_text(encoding="utf-8")
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        return web.Response(text=body, content_type=kind, headers={"Cache-Control": "no-store"})

    async def state(request: web.Request) -> web.Response:
        services, session = session_of(request)
        texts = {k: v for k, v in catalogue().items() if k.startswith("sandbox.")}
        return web.json_response(
            {
                "bot": {"username": services.bot_username, "name": session.emulator.bot_first_name},
                "personas": [session.summary(p) for p in session.personas],
                "clock": await clock_state(services, session),
                "deep_links": {LIAISON_PREFIX: "liaison", CANDIDATE_PREFIX: "candidate"},
                "texts": texts,
            }
        )

    async def chat(request: web.Request) -> web.Response:
        _, session = session_of(request)
        persona = persona_of(request)
        user = session.user(persona)
        return web.json_response(
            {
                "persona": session.summary(persona),
                "messages": session.history(persona),
                "keyboard": user.reply_keyboard,
                "commands": user.menu_commands(),
            }
        )

    async def send(request: web.Request) -> web.Response:
        guarded(request)
        _, session = session_of(request)
        persona = persona_of(request)
        body = await _body(request)
        text = str(body.get("text", "")).strip()
        if not text:
            return _refuse(400, "sandbox.error.empty_text")
        if len(text) > MAX_TEXT_LENGTH:
            return _refuse(400, "sandbox.error.too_long")
        message_id = await session.user(persona).send_text(text)
        session.sent(persona, message_id)
        return web.json_response({"id": message_id})

    async def press(request: web.Request) -> web.Response:
        guarded(request)
        _, session = session_of(request)
        persona = persona_of(request)
        body = await _body(request)
        if not str(body.get("message_id", "")).isdigit():
            return _refuse(400, "sandbox.error.bad_request", reason="message_id")
        user = session.user(persona)
        message_id = int(body["message_id"])
        if message_id not in user.bot_messages:
            return _refuse(404, "sandbox.error.no_message", id=message_id)
        answer = await user.press_data(str(body.get("data", "")), message_id, timeout=15.0)
        if answer is None or not answer.answered:
            return web.json_response({"answered": False, "text": t("sandbox.ui.no_answer")})
        return web.json_response(
            {"answered": True, "text": answer.text, "alert": answer.show_alert, "url": answer.url}
        )

    async def upload(request: web.Request) -> web.Response:
        guarded(request)
        _, session = session_of(request)
        persona = persona_of(request)
        reader = await request.multipart()
        as_file = False
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "as_file":
                as_file = (await part.text()) == "1"
                continue
            if part.name != "file":
                continue
            data = bytearray()
            while chunk := await part.read_chunk():
                data.extend(chunk)
                if len(data) > MAX_UPLOAD:
                    return _refuse(413, "sandbox.error.too_big")
            name = unquote(part.filename or "file")  # some clients percent-encode non-ASCII names
            mime = part.headers.get("Content-Type") or mimetypes.guess_type(name)[0]
            user = session.user(persona)
            if mime in PHOTO_TYPES and not as_file:
                message_id = await user.send_photo(bytes(data))
            else:
                message_id = await user.send_document(bytes(data), name, mime or "application/octet-stream")
            session.sent(persona, message_id)
            return web.json_response({"id": message_id})
        return _refuse(400, "sandbox.error.no_file")

    async def read(request: web.Request) -> web.Response:
        guarded(request)
        _, session = session_of(request)
        persona = persona_of(request)
        body = await _body(request)
        up_to = body.get("up_to")
        if isinstance(up_to, int):
            session.mark_read(persona, up_to)
        return web.json_response({"unread": session.unread(persona)})

    async def move_clock(request: web.Request) -> web.Response:
        guarded(request)
        services, session = session_of(request)
        body = await _body(request)
        step = str(body.get("step", ""))
        try:
            if step in STEPS:
                session.clock.advance(STEPS[step])
            elif step == "close":
                close = await next_window_close(services.db, session.clock(), services.settings.timezone)
                if close is None:
                    return _refuse(409, "sandbox.clock.no_close")
                session.clock.advance_to(close.closes)
            else:
                return _refuse(400, "sandbox.clock.bad_step", step=step[:20])
        except DomainError as refused:
            return _refuse(409, refused.key, **refused.params)
        if session.after_jump is not None:
            await session.after_jump()
        session.save_soon()
        clock = await clock_state(services, session)
        session.publish({"type": "clock", "clock": clock})
        return web.json_response(clock)

    async def file(request: web.Request) -> web.StreamResponse:
        _, session = session_of(request)
        stored = session.emulator.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound(text=t("sandbox.error.file_missing"))
        mime = stored.mime_type or "application/octet-stream"
        disposition = "inline" if mime in INLINE_TYPES else "attachment"
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"}
        return web.Response(body=stored.data, content_type=mime, headers=headers)

    async def socket(request: web.Request) -> web.WebSocketResponse:
        _, session = session_of(request)
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        session.queues.add(queue)

        async def forward() -> None:
            while True:
                await ws.send_json(await queue.get())

        sender = asyncio.create_task(forward())
        try:
            async for message in ws:
                if message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                    break
        finally:
            session.queues.discard(queue)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await sender
        return ws

    return [
        web.get("/sandbox", page),
        web.get("/sandbox/static/{name}", static),
        web.get("/sandbox/api/state", state),
        web.get("/sandbox/api/chat/{persona}", chat),
        web.post("/sandbox/api/chat/{persona}/send", send),
        web.post("/sandbox/api/chat/{persona}/press", press),
        web.post("/sandbox/api/chat/{persona}/upload", upload),
        web.post("/sandbox/api/chat/{persona}/read", read),
        web.post("/sandbox/api/clock", move_clock),
        web.get("/sandbox/files/{file_id}", file),
        web.get("/sandbox/ws", socket),
    ]
