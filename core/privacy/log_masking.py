"""One logging filter masking ID numbers, mobile numbers, e-mail addresses and bot tokens in every record."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from core.privacy.masking import mask_email, mask_id, mask_mobile

# Bot tokens as BotFather issues them (also inside Bot API URLs: /bot<token>/sendMessage).
_TOKEN = re.compile(r"(?<!\d)(\d{3,20})(?::|%3[Aa])[A-Za-z0-9_-]{20,100}")
# ID formats accepted (core.profile.id_numbers): resident and new foreigner IDs (18), old foreigner IDs
# (3 letters + 12 digits), passports (E/G + 8), Hong Kong/Macao passes (H/M + 8 or 10) and Taiwan passes
# written next to their label (8 or 10 digits are too common elsewhere to mask on sight).
# a number starts where no digit precedes it, or right after an escape in a repr ("李四\\u300013800138000")
_START = r"(?:(?<![\d*])|(?<=\\u[0-9a-fA-F]{4})|(?<=\\x[0-9a-fA-F]{2}))"
_ID = re.compile(
    _START + r"(?:\d{17}[\dXx]|[A-Z]{3}\d{12}|[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?)(?![\d*])"
)
_TAIWAN = re.compile(r"(台湾居民来往大陆通行证\D{0,12}?)(\d{8}(?:\d{2})?)(?!\d)")
_MOBILE = re.compile(_START + r"(?:\+?86[\s-]?)?(1[3-9]\d{9})(?![\d*])")
_LABEL = "[A-Za-z0-9\\-\u0080-\uffff]+"
_EMAIL = re.compile(rf"[A-Za-z0-9!#$%&*+?^_~.-]+@{_LABEL}(?:\.{_LABEL})+")
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask every personal number and token in free text; masking masked text changes nothing."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "[token]")
    text = _TOKEN.sub(lambda m: f"{m[1]}:[token]", text)
    text = _EMAIL.sub(lambda m: mask_email(m[0]), text)
    text = _ID.sub(lambda m: mask_id(m[0]), text)
    text = _TAIWAN.sub(lambda m: m[1] + mask_id(m[2]), text)
    return _MOBILE.sub(lambda m: mask_mobile(m[1]), text)


class MaskingFilter(logging.Filter):
    """Rewrite a record's message, arguments, exception and stack text with personal data masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask in place and let the record through; the exception is kept only as masked text."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is logging's own error to report
            message = str(record.msg)
        record.msg, record.args = mask_text(message, self.secrets), ()
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info, self.secrets)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, mask_text(value, self.secrets))
        return True


_installed: list[tuple[MaskingFilter, Callable[..., logging.LogRecord]]] = []


def _all_handlers() -> list[logging.Handler]:
    loggers: list[Any] = [logging.getLogger()]
    loggers += [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    return [handler for lg in loggers for handler in lg.handlers]


def install(secrets: Iterable[str] = ()) -> MaskingFilter:
    """Mask every record from every logger, libraries' included, whichever handler or formatter writes it.

    The filter goes on every existing handler, and the record factory runs it as each record is made, so
    loggers created later, loggers that do not propagate and handlers added later (a JSON formatter's,
    pytest's) never see a record unmasked. Calling it again replaces the earlier installation.
    """
    uninstall()
    masking = MaskingFilter(secrets)
    previous = logging.getLogRecordFactory()

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        masking.filter(record)
        return record

    logging.setLogRecordFactory(make_record)
    for handler in _all_handlers():
        handler.addFilter(masking)
    _installed.append((masking, previous))
    return masking


def uninstall() -> None:
    """Undo `install` (tests restore logging as they found it)."""
    while _installed:
        masking, previous = _installed.pop()
        logging.setLogRecordFactory(previous)
        for handler in _all_handlers():
            handler.removeFilter(masking)
