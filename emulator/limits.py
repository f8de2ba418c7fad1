"""Token-bucket rate limiting (global and per chat) and Telegram's size limits."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
MAX_DOCUMENT_UPLOAD = 50 * 1024 * 1024
MAX_PHOTO_UPLOAD = 10 * 1024 * 1024
MAX_CALLBACK_ANSWER_TEXT = 200


@dataclass(slots=True)
class TokenBucket:
    """A classic token bucket: ``rate`` tokens/second, at most ``burst`` tokens stored."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> TokenBucket:
        return cls(rate=rate, burst=burst, tokens=burst, stamp=now)

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if available now). Refills first."""
        self.refill(now)
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Global plus per-chat token buckets. ``None`` for a rate disables that limit."""

    def __init__(
        self,
        global_rate: float | None = 30.0,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 20,
    ) -> None:
        self._chats: dict[int, TokenBucket] = {}
        self._global: TokenBucket | None = None
        self.global_rate: float | None = None
        self.per_chat_rate: float | None = None
        self.per_chat_burst = per_chat_burst
        self.configure(global_rate, per_chat_rate, per_chat_burst)

    def configure(self, global_rate: float | None, per_chat_rate: float | None, per_chat_burst: int) -> None:
        if any(rate is not None and rate <= 0 for rate in (global_rate, per_chat_rate)):
            raise ValueError("rates must be positive or None")
        if per_chat_burst < 1:
            raise ValueError("per_chat_burst must be at least 1")
        now = time.monotonic()
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self._global = (
            None if global_rate is None else TokenBucket.full(global_rate, max(1.0, global_rate), now)
        )
        self._chats.clear()

    def acquire(self, chat_id: int, now: float | None = None) -> int:
        """Take one token from both buckets. Returns 0 on success, else ``retry_after`` seconds (>= 1).

        Nothing is consumed when the request is refused (Telegram does not send it either).
        """
        if now is None:
            now = time.monotonic()
        wait = 0.0
        chat_bucket: TokenBucket | None = None
        if self.per_chat_rate is not None:
            chat_bucket = self._chats.get(chat_id)
            if chat_bucket is None:
                chat_bucket = TokenBucket.full(self.per_chat_rate, float(self.per_chat_burst), now)
                self._chats[chat_id] = chat_bucket
            wait = chat_bucket.wait_time(now)
        if self._global is not None:
            wait = max(wait, self._global.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        if chat_bucket is not None:
            chat_bucket.tokens -= 1.0
        if self._global is not None:
            self._global.tokens -= 1.0
        return 0
