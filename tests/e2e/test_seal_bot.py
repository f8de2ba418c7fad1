"""/seal in the bot: wrong files refused with how to fix them; a good PNG shown back and confirmed."""

from __future__ import annotations

from tests.e2e.harness import BotHarness
from tests.e2e.test_certificate_journey import said
from tests.seal_samples import jpeg_bytes, seal_png, white_background_png


async def test_staff_upload_the_seal_as_a_file_see_it_and_confirm_it(bot: BotHarness) -> None:
    staff = bot.staff()
    await staff.send_command("/seal")
    await said(staff, "PNG", "背景透明", "未加盖印章（样本）")
    await staff.send_photo(jpeg_bytes())
    await said(staff, "收到的是照片", "以「文件」方式发送")
    await staff.send_document(jpeg_bytes(), "seal.png", "image/png")
    await said(staff, "不是可读取的 PNG")
    await staff.send_document(white_background_png(), "seal.png", "image/png")
    await said(staff, "背景不透明")
    await staff.send_document(seal_png(), "seal.png", "image/png")
    preview = await staff.next_message()
    assert preview.photo is not None and "400×400" in (preview.caption or "")
    assert preview.buttons == ["确认启用"]
    await staff.press("确认启用")
    await said(staff, "印章已启用")
    await staff.send_command("/seal")
    await said(staff, "已有启用中的印章")
    await staff.send_document(seal_png(), "seal.png", "image/png")
    await said(staff, "就是当前启用的印章")


async def test_a_candidate_cannot_upload_a_seal(bot: BotHarness) -> None:
    candidate = bot.user(1001, "张三")
    await candidate.send_command("/seal")
    await said(candidate, "仅限鉴定中心工作人员")


async def test_a_seal_file_over_2_mb_is_refused_before_download_with_its_size(bot: BotHarness) -> None:
    staff = bot.staff()
    await staff.send_command("/seal")
    await said(staff, "PNG")
    await staff.send_document(seal_png() + b"\0" * (2 * 1024 * 1024), "seal.png", "image/png")
    await said(staff, "印章图片 2.0 MB，超过了 2 MB")
