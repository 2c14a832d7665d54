"""Limits that keep one caller from taking the service: calls per key per minute, and the size of a request.

The rate is a token bucket per key: ``per_minute`` calls at once, refilled evenly over the minute; a call over
it is answered 429 with Retry-After (whole seconds until a call is allowed again). The body limit is the app's
upload limit (RRADAR_MAX_UPLOAD_MB): a larger request is refused with 413 before it is read to the end.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.reading.limits import MB

TOO_LARGE = "The request is larger than the {mb:g} MB this service accepts (the app's upload limit)."
FORM_MARGIN = 64 * 1024  # a multipart form's own bytes around a file at the limit


class RateLimiter:
    """Calls per key per minute; ``clock`` is a monotonic time in seconds (tests give their own)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens left, when counted)
        self._lock = threading.Lock()

    def wait_for(self, key: str) -> int:
        """0 when ``key`` may call now (the call is counted), else the whole seconds until it may."""
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))


class BodyTooLarge(HTTPException):
    """The request's body passed the limit while it was read (a body sent in chunks, without a length): an HTTP
    error, so the framework's body parsing passes it on as a 413 instead of a parsing error."""

    def __init__(self, max_mb: float) -> None:
        super().__init__(413, TOO_LARGE.format(mb=max_mb))


class BodyLimit:
    """ASGI middleware: refuse a request whose body is larger than ``max_mb`` megabytes (413, JSON)."""

    def __init__(self, app: ASGIApp, max_mb: float) -> None:
        self.app = app
        self.max_mb = max_mb
        self.max_bytes = int(max_mb * MB) + FORM_MARGIN

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_mb)
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"message": TOO_LARGE.format(mb=self.max_mb), "problems": []}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
