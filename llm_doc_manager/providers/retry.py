"""Retry policy for model requests: exponential backoff with full jitter, server hints first.

Only transient failures are retried (connection errors, timeouts, 408/409/429/5xx); the
server's ``retry-after-ms`` / ``Retry-After`` wins over the computed delay, capped by the
policy's maximum so one bad header cannot stall a run.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry.

    Attributes:
        tries: Attempts in all, the first included.
        base: Delay scale in seconds (the cap of the first backoff).
        maximum: Longest delay in seconds, server hints included.
    """

    tries: int = 5
    base: float = 1.0
    maximum: float = 60.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter delay before retry number ``attempt`` (1 for the first retry).

        Args:
            attempt: Which retry this is, from 1.
            rng: Random source (tests pass a seeded one).

        Returns:
            Seconds to wait, uniform in ``[0, min(maximum, base * 2**(attempt-1))]``.
        """
        ceiling = min(self.maximum, self.base * 2 ** (attempt - 1))
        return (rng or random).uniform(0.0, ceiling)

    def delay(self, attempt: int, headers: Mapping[str, str] | None,
              rng: random.Random | None = None) -> float:
        """Delay before a retry, from the server's hint when it gives one."""
        hint = retry_after(headers) if headers is not None else None
        if hint is not None:
            return min(self.maximum, hint)
        return self.backoff(attempt, rng)


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Read the server's wish: ``retry-after-ms``, or ``Retry-After`` (seconds or a date).

    Args:
        headers: Response headers (case-insensitive mapping or lower-case).
        now: Current time for date values (defaults to the clock).

    Returns:
        Seconds to wait, or None when there is no usable hint.
    """
    def get(name: str) -> str | None:
        value = headers.get(name)
        if value is None:
            value = headers.get(name.title())
        return value

    raw_ms = get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000
        except ValueError:
            value = -1.0
        if 0 <= value < 3600:
            return value
    raw = get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no hint


def is_retryable_status(status: int) -> bool:
    """Tell whether an HTTP status is worth retrying."""
    return status in RETRYABLE_STATUS or status >= 500


class RateLimiter:
    """Spaces request starts evenly to stay under a requests-per-minute budget.

    Args:
        per_minute: Budget; None or 0 means unlimited.

    Attributes:
        interval: Seconds between request starts (0: unlimited).
    """

    def __init__(self, per_minute: float | None, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()
        # Seams for tests: the spacing is then checked exactly, not against a wall clock.
        self._clock = clock
        self._sleep = sleep

    async def wait(self) -> None:
        """Wait for this request's slot."""
        if not self.interval:
            return
        async with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)
