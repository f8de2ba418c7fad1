"""Upload size limits live in core beside what they guard; handlers only pass Telegram's declared size."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.imports import MAX_UPLOAD_BYTES, check_upload_size
from core.texts import t


def test_an_import_file_over_what_bots_may_download_is_refused_before_download() -> None:
    check_upload_size(MAX_UPLOAD_BYTES)
    check_upload_size(None)  # Telegram did not say: the download itself is the check
    with pytest.raises(InvalidInput) as refused:
        check_upload_size(MAX_UPLOAD_BYTES + 1)
    assert "20MB" in t(refused.value.key, **refused.value.params)
