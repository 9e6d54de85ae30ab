"""Counters for limits that the code counts itself (logins, e-mails per recipient).

Each application has one moving-window limiter on ``RATELIMIT_STORAGE_URI`` — Redis when
``REDIS_URL`` is set, so that every worker counts together, else this process's memory.
A hit is one atomic step of the storage: it counts and answers at once, so that parallel
requests cannot all pass between a test and a count. Every limit of the app is counted here:
logins and requests for a password reset link (auth/limits.py), receipts per e-mail address
(core/mail.py) and new submissions per address (remarks/limits.py).
"""

from __future__ import annotations

import functools
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_EXTENSION = "consult_counters"


@functools.lru_cache(maxsize=64)
def parsed(limits: str) -> list[RateLimitItem]:
    """"10 per minute; 50 per hour" → its items (settings are read at every use)."""
    return parse_many(limits)


class Counters:
    def __init__(self, app: Flask):
        self.storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.strategy = MovingWindowRateLimiter(self.storage)

    def hit(self, limits: str, *keys: str) -> bool:
        """Count one more under every window of ``limits`` ("10 per minute; 50 per hour");
        True when none is over. Every window counts (no short cut): the hour must see what
        the minute saw."""
        return all([self.strategy.hit(item, *keys) for item in parsed(limits)])

    def retry_after(self, limits: str, *keys: str) -> int:
        """Seconds until the first of the full windows lets one more through."""
        resets = [self.strategy.get_window_stats(item, *keys).reset_time for item in parsed(limits)
                  if not self.strategy.test(item, *keys)]
        return max(1, int(min(resets) - time.time()) + 1) if resets else 60


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = Counters(app)


def counters() -> Counters:
    return current_app.extensions[_EXTENSION]
