"""When a failed call may be repeated, and how long to wait first.

A retry must never do a thing twice. GET, HEAD, OPTIONS, PUT and DELETE are idempotent by
HTTP's definition, so they are retried on transport errors and on the statuses that say
"not now" (429, 502, 503, 504). POST and PATCH are retried only when the connection could
not be opened at all, so the request never left this process; they also carry an
Idempotency-Key, so even an upstream that did see a first attempt can recognise the repeat.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 2
    backoff_base: float = 0.25  # seconds before the first retry; doubles each time
    max_delay: float = 10.0  # no wait is longer; a longer Retry-After means "give up now"
    random: Callable[[], float] = field(default=random.random, compare=False)

    def retry_status(self, method: str, status: int) -> bool:
        """Whether an answer with `status` may be retried for `method`."""
        return method in IDEMPOTENT_METHODS and status in RETRY_STATUSES

    def retry_error(self, method: str, maybe_sent: bool) -> bool:
        """Whether a transport failure may be retried for `method`: always when it is
        idempotent, else only when the request certainly never left (`maybe_sent` False)."""
        return method in IDEMPOTENT_METHODS or not maybe_sent

    def delay(self, attempt: int, retry_after: str | None = None) -> float | None:
        """Seconds to wait before retry number `attempt` (1-based); None when not worth it."""
        if retry_after is not None:
            asked = parse_retry_after(retry_after)
            if asked is not None:
                return asked if asked <= self.max_delay else None
        wait = self.backoff_base * 2 ** (attempt - 1)
        return min(self.max_delay, wait * (0.5 + self.random() / 2))


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delay-seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
