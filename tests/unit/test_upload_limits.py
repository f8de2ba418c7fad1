"""Upload size limits live in core beside what they guard; handlers only pass Telegram's declared size."""

from __future__ import annotations

import pytest

from core.certificates import seal_image
from core.errors import InvalidInput
from core.imports import MAX_UPLOAD_BYTES, check_upload_size
from core.offline import exam
from core.profile import photos
from core.texts import t


def test_a_results_sheet_over_the_limit_is_refused_by_name() -> None:
    exam.check_declared_size(exam.MAX_FILE_BYTES, "成绩.xlsx")
    exam.check_declared_size(None, "成绩.xlsx")
    with pytest.raises(InvalidInput) as refused:
        exam.check_declared_size(exam.MAX_FILE_BYTES + 1, "成绩.xlsx")
    assert "成绩.xlsx" in t(refused.value.key, **refused.value.params)


def test_a_seal_over_2_mb_is_refused_with_its_size() -> None:
    seal_image.check_declared_size(seal_image.MAX_BYTES)
    with pytest.raises(InvalidInput) as refused:
        seal_image.check_declared_size(3 * 1024 * 1024)
    assert "3.0 MB" in t(refused.value.key, **refused.value.params)


def test_an_import_file_over_what_bots_may_download_is_refused_before_download() -> None:
    check_upload_size(MAX_UPLOAD_BYTES)
    check_upload_size(None)  # Telegram did not say: the download itself is the check
    with pytest.raises(InvalidInput) as refused:
        check_upload_size(MAX_UPLOAD_BYTES + 1)
    assert "20MB" in t(refused.value.key, **refused.value.params)


def test_a_photo_over_its_limit_is_refused_before_download() -> None:
    photos.check_declared_size(photos.MAX_PHOTO_BYTES)
    with pytest.raises(InvalidInput):
        photos.check_declared_size(photos.MAX_PHOTO_BYTES + 1)
