"""Minimum exposure: what a liaison sees, what the public verification shows, and uploads never on the web."""

from __future__ import annotations

import hashlib
import io

from aiohttp import ClientSession
from openpyxl import load_workbook

from core.db import Database
from tests.e2e.factories import PNG_1X1, make_candidate, make_institution, make_liaison, make_plan
from tests.e2e.harness import TOKEN, BotHarness
from tests.service.test_certificates import certified


async def test_a_liaison_sees_only_masked_numbers_of_their_own_people(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        await make_plan(db)
        ours = await make_institution(db, "中国电信股份有限公司安徽分公司")
        theirs = await make_institution(db, "安徽省建筑业协会", kind="provincial_org")
        people = [await make_candidate(db, 7201 + i, ours, name=n) for i, n in enumerate(("王芳", "李强"))]
        other = await make_candidate(db, 7209, theirs, name="赵敏")
        await make_liaison(db, 7300, ours)
    finally:
        await db.dispose()
    liaison = bot.user(7300, "钱联络", started=True)
    await liaison.send_command("/roster")
    roster = await liaison.next_message()
    await liaison.press("下载花名册 Excel", message_id=roster.message_id)
    sheet = await liaison.next_message()
    assert sheet.document is not None
    rows = list(load_workbook(io.BytesIO(sheet.document.data)).worksheets[0].iter_rows(values_only=True))
    seen = roster.content + str(rows)
    for person in people:
        assert person.id_number not in seen and person.mobile not in seen
        assert f"c{person.telegram_id}@example.com" not in seen
        masked_id = person.id_number[:3] + "*" * 11 + person.id_number[-4:]
        assert masked_id in str(rows) and person.mobile[:3] + "****" + person.mobile[-4:] in str(rows)
    assert "赵敏" not in seen and other.id_number not in seen


async def test_the_web_server_serves_no_photo_proof_or_database_under_any_plausible_path(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        await make_plan(db)
        me = await make_candidate(db, 7401, None, proof_file_id="proof-7401")
    finally:
        await db.dispose()
    sha = hashlib.sha256(PNG_1X1).hexdigest()
    paths = [
        f"/{folder}/{leaf}"
        for folder in ("photos", "photo", "uploads", "upload", "files", "file", "media", "static", "proofs",
                       "proof", "images", "img", "data", "documents", "attachments", "admin", "download")
        for leaf in ("1", f"{me.user_id}", f"{me.user_id}.png", f"{sha}.png", "proof-7401", "examiner.db", "")
    ]  # fmt: skip
    paths += [
        "/data/examiner.db", "/examiner.db", "/.env", "/../data/examiner.db", "/%2e%2e/data/examiner.db",
        f"/file/bot{TOKEN}/photos/file_0.jpg", f"/bot{TOKEN}/getFile?file_id=proof-7401",
        "/verify/../photos/1",
        f"/verify?no=../photos/{me.user_id}", "/ticket/1", "/certificate/1", "/certificates/1.pdf", "/export",
    ]  # fmt: skip
    async with ClientSession() as http:
        for path in paths:
            async with http.get(bot.web_url + path, allow_redirects=False) as response:
                body = await response.read()
                if path.startswith("/verify?"):
                    assert response.status in (400, 404), path
                else:
                    assert response.status == 404, (path, response.status)
                assert PNG_1X1 not in body and b"%PDF" not in body and b"SQLite" not in body, path


async def test_the_verification_json_holds_status_number_masked_name_occupation_levels_and_date_only(
    bot: BotHarness, database_url: str
) -> None:
    db = Database(database_url)
    try:
        [number] = await certified(db, ("欧阳明月",))
    finally:
        await db.dispose()
    async with ClientSession() as http:
        async with http.get(f"{bot.web_url}/verify.json", params={"no": number}) as response:
            body = await response.json()
        async with http.get(f"{bot.web_url}/verify", params={"no": number}) as page:
            html = await page.text()
    assert body == {
        "number": number,
        "status": "valid",
        "valid": True,
        "holder": "欧**月",
        "occupation": "电工",
        "levels": ["五级/初级工", "四级/中级工", "三级/高级工"],
        "issued_on": body["issued_on"],
    }
    shown = html.split("<pre", 1)[1]
    for fragment in (number, "欧**月", "电工", "三级/高级工", "有效"):
        assert fragment in shown
    assert "欧阳明月" not in html and "发证机构" not in shown and "340" not in shown
