"""What the running bot measures: one trace per update (for metrics and log lines) and the metric set itself.

Each Application owns its own CollectorRegistry, so several bots in one process (tests) never share counters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.process_collector import ProcessCollector
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram_http import AiohttpRequest
from core.errors import DomainError

if TYPE_CHECKING:
    from bot.context import App
    from bot.routing import Routes

log = logging.getLogger(__name__)

NO_HANDLER = "none"
_SEND_RESULTS = {
    "Sent": "sent",
    "RetryAfter": "retry_after",
    "Undeliverable": "undeliverable",
    "Failed": "failed",
}
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(slots=True)
class UpdateTrace:
    """One update in hand: ids only (never what the person wrote), the handler that took it, its outcome."""

    update_id: int
    user_id: int | None
    started: float
    handler: str | None = None
    handler_started: float | None = None
    result: str = "ok"  # ok | refused (a domain error) | error | duplicate | unhandled

    @property
    def elapsed(self) -> float:
        """Seconds since the update was taken in hand."""
        return time.perf_counter() - self.started


CURRENT_TRACE: ContextVar[UpdateTrace | None] = ContextVar("current_trace", default=None)


class Metrics:
    """The bot's Prometheus metrics, registered in a registry of this application's own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        self.updates = Counter(
            "examiner_updates", "Updates handled, by handler and result", ["handler", "result"], registry=r
        )
        self.handler_seconds = Histogram(
            "examiner_handler_duration_seconds",
            "Time from a handler taking an update to its transaction committed",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter("examiner_errors", "Failures, by where they happened", ["source"], registry=r)
        self.outbox_pending = Gauge(
            "examiner_outbox_pending", "Outbox rows not yet sent (pending or being sent)", registry=r
        )
        self.outbox_oldest_age = Gauge(
            "examiner_outbox_oldest_pending_age_seconds", "Age of the oldest unsent outbox row", registry=r
        )
        self.sends = Counter(
            "examiner_outbox_sends", "Outbox send attempts, by outcome", ["result"], registry=r
        )
        self.telegram_requests = Counter(
            "examiner_telegram_requests",
            "Bot API calls, by method and HTTP status",
            ["method", "status"],
            registry=r,
        )
        self.rate_limited = Counter(
            "examiner_telegram_rate_limited",
            "429 Too Many Requests answers received from Telegram",
            registry=r,
        )
        self.scheduler_leader = Gauge(
            "examiner_scheduler_leader", "1 while this process runs scheduled jobs, else 0", registry=r
        )
        self.webhook_rejected = Counter(
            "examiner_webhook_rejected", "Webhook requests refused, by reason", ["reason"], registry=r
        )
        self.last_api_success = 0.0  # time.monotonic() of the latest 2xx from the Bot API

    def count_send(self, outcome: object) -> None:
        """Count one outbox send by its outcome (sent, retry_after, undeliverable, failed)."""
        result = _SEND_RESULTS.get(type(outcome).__name__, "other")
        self.sends.labels(result).inc()
        if result == "retry_after":
            self.rate_limited.inc()

    def render(self) -> bytes:
        """Return the Prometheus text exposition of everything measured."""
        return generate_latest(self.registry)


@contextmanager
def trace_update(app: App, update: Update) -> Iterator[UpdateTrace]:
    """Trace one update while it is handled; count it by handler and result when it is done."""
    user = update.effective_user
    trace = UpdateTrace(update.update_id, user.id if user is not None else None, time.perf_counter())
    token = CURRENT_TRACE.set(trace)
    metrics = app.bot_data.metrics
    try:
        yield trace
    except BaseException:
        trace.result = "error"
        raise
    finally:
        if trace.handler is None and trace.result == "ok":
            trace.result = "unhandled"
        handler = trace.handler or NO_HANDLER
        metrics.updates.labels(handler, trace.result).inc()
        if trace.handler_started is not None:
            metrics.handler_seconds.labels(handler).observe(time.perf_counter() - trace.handler_started)
        if trace.result == "error":
            metrics.errors.labels("handler").inc()
        log.debug(
            "update %s by %s: %s in %.1f ms", trace.update_id, handler, trace.result, trace.elapsed * 1000
        )
        CURRENT_TRACE.reset(token)


def _enter(name: str) -> None:
    trace = CURRENT_TRACE.get()
    if trace is not None:
        trace.handler = name  # the innermost route wins: a flow is more telling than the router before it
        if trace.handler_started is None:
            trace.handler_started = time.perf_counter()


def _refused() -> None:
    trace = CURRENT_TRACE.get()
    if trace is not None and trace.result == "ok":
        trace.result = "refused"


def _failed() -> None:
    trace = CURRENT_TRACE.get()
    if trace is not None:
        trace.result = "error"


def labelled(name: str, action: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap a handler callback or route so the update's trace names it and notes whether it failed."""

    async def run(*args: Any, **kwargs: Any) -> Any:
        _enter(name)
        try:
            return await action(*args, **kwargs)
        except ApplicationHandlerStop:
            raise
        except DomainError:
            _refused()
            raise
        except Exception:
            _failed()
            raise

    run.__name__ = getattr(action, "__name__", name)
    run.__doc__ = action.__doc__
    return run


def _name(callback: Callable[..., Any]) -> str:
    """Name a handler by its place under bot/handlers (``quiz.chat.on_press``): stages share module names."""
    module = getattr(callback, "__module__", "") or ""
    module = module.removeprefix("bot.handlers.")
    return f"{module}.{getattr(callback, '__qualname__', type(callback).__name__)}"


def instrument(app: App, routes: Routes) -> None:
    """Name every registered handler and route in the traces, after handlers.register filled them."""
    for group in app.handlers.values():
        for handler in group:
            handler.callback = labelled(_name(handler.callback), handler.callback)  # type: ignore[assignment]
    tables: tuple[tuple[str, dict[str, Any]], ...] = (
        ("menu", routes.menu),
        ("flow", routes.flows),
        ("start", routes.start_payloads),
    )
    for prefix, table in tables:
        for key, action in list(table.items()):
            table[key] = labelled(f"{prefix}.{key}", action)


class CountingRequest(AiohttpRequest):
    """The Bot API transport, counting every answer by method and status (429s too)."""

    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._metrics = metrics

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Make the call; count its outcome, a network failure included."""
        api_method = url.rsplit("/", 1)[-1]
        try:
            code, payload = await super().do_request(url, method, *args, **kwargs)
        except Exception:
            self._metrics.telegram_requests.labels(api_method, "network").inc()
            raise
        self._metrics.telegram_requests.labels(api_method, str(code)).inc()
        if code == 429:
            self._metrics.rate_limited.inc()
        elif 200 <= code < 300:
            self._metrics.last_api_success = time.monotonic()
        return code, payload
