"""Files a bot sends: uploaded with the request or named by a file id the emulator already holds."""

from __future__ import annotations

import mimetypes
from typing import Any

from emulator.params import ApiError, UploadedFile, bad_request
from emulator.state import BotFile, FileStore, StoredFile

Files = dict[str, UploadedFile]


def input_file(store: FileStore, params: dict[str, Any], files: Files, field: str, kind: str) -> StoredFile:
    """The file a send method names in `field`: a new upload (attach:// or form field) or a known file id."""
    value = params.get(field)
    upload: UploadedFile | None = files.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value[len("attach://") :])
        if upload is None:
            raise bad_request(f"file {value[len('attach://') :]} not found in the request")
    if upload is not None:
        if upload.too_big:
            raise ApiError(413, "Request Entity Too Large")
        if not upload.data:
            raise bad_request("file must be non-empty")
        name = upload.filename or None
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = (mimetypes.guess_type(name)[0] if name else None) or mime
        return store.add(upload.data, kind, name, mime)
    if isinstance(value, str) and value:
        stored = store.get(value)
        if stored is not None:
            return stored
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(f"there is no {field} in the request")


def bot_file(stored: StoredFile, width: int | None = None, height: int | None = None) -> BotFile:
    """The stored file as it appears inside a sent message."""
    return BotFile(
        file_id=stored.file_id,
        file_unique_id=stored.file_unique_id,
        file_name=stored.file_name,
        mime_type=stored.mime_type,
        data=stored.data,
        file_size=stored.size,
        width=width,
        height=height,
    )
