"""The public certificate verification page and its JSON twin: /verify?no=… (HTML) and /verify.json?no=…."""

from __future__ import annotations

from html import escape

from aiohttp import web

from bot.context import BotServices
from bot.handlers.certificates.chat import verification_text
from core.certificates import service as certificates
from core.certificates.service import Verification
from core.errors import DomainError
from core.texts import t

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em;line-height:1.6}}
.valid{{color:#176b2c}}.revoked,.error{{color:#a11}}pre{{white-space:pre-wrap;font:inherit}}</style></head>
<body><h1>{title}</h1>
<form method="get" action="/verify"><input name="no" value="{number}" placeholder="{hint}" size="24">
<button type="submit">{submit}</button></form>
<pre class="{css}">{body}</pre></body></html>
"""


def routes(services_key: web.AppKey[BotServices]) -> list[web.RouteDef]:
    """The verification routes; the web app passes the key its services live under."""

    async def page(request: web.Request) -> web.Response:
        return await verify_page(request, request.app[services_key])

    async def as_json(request: web.Request) -> web.Response:
        return await verify_json(request, request.app[services_key])

    return [web.get("/verify", page), web.get("/verify.json", as_json)]


def _json(v: Verification) -> dict[str, object]:
    """What the page shows, for machines: status, number, masked name, occupation, levels and date."""
    return {
        "number": v.number,
        "status": v.status,
        "valid": v.status == "valid",
        "holder": v.masked_name,
        "occupation": v.occupation,
        "levels": list(v.levels),
        "issued_on": v.issued_on.isoformat(),
    }


async def _lookup(request: web.Request, services: BotServices) -> Verification | DomainError:
    try:
        return await certificates.verify(services.db, request.query.get("no", ""))
    except DomainError as error:
        return error


def _status(error: DomainError) -> int:
    return 404 if error.key == "certs.verify.unknown" else 400


async def verify_json(request: web.Request, services: BotServices) -> web.Response:
    """JSON verdict for machines; 400 for a malformed number, 404 for an unknown one."""
    found = await _lookup(request, services)
    if isinstance(found, DomainError):
        return web.json_response(
            {"status": "invalid", "valid": False, "message": t(found.key, **found.params)},
            status=_status(found),
        )
    return web.json_response(_json(found), headers={"Cache-Control": "no-store"})


async def verify_page(request: web.Request, services: BotServices) -> web.Response:
    """HTML verdict for people who scanned the QR code; JSON when the client asks for it."""
    if "application/json" in request.headers.get("Accept", ""):
        return await verify_json(request, services)
    number = request.query.get("no", "")
    status = 200
    if not number:
        body, css = t("certs.verify.usage"), ""
    else:
        found = await _lookup(request, services)
        if isinstance(found, DomainError):
            body, css, status = t(found.key, **found.params), "error", _status(found)
        else:
            body = verification_text(found, services.settings.timezone)
            css = found.status
    html = _PAGE.format(
        title=escape(t("certs.verify.page_title")),
        number=escape(number[:40], quote=True),
        hint=escape(t("certs.verify.page_hint"), quote=True),
        submit=escape(t("certs.verify.page_submit")),
        css=css,
        body=escape(body),
    )
    return web.Response(
        text=html,
        content_type="text/html",
        charset="utf-8",
        status=status,
        headers={"Cache-Control": "no-store"},
    )
