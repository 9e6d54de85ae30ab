"""Limits on logging in: per account, per client address and for the whole site.

Every attempt is counted *before* its password is checked, in one atomic step of the limit's
storage (a moving window in Redis when ``REDIS_URL`` is set, else in this process's memory),
so that parallel guesses cannot all slip in between a test and a count.

- **Per client address** (``LOGIN_ADDRESS_LIMIT``): attempts from one address, whatever the
  accounts; over it, that address waits. A stranger can only lock out themselves (IPv6
  addresses count by their /64 network, which one subscriber usually holds).
- **Per account** (``LOGIN_ACCOUNT_LIMIT``) and **site-wide** (``LOGIN_GLOBAL_LIMIT``): over
  either, the account (or the site) is *locked* — but not for an address that made no
  unsuccessful attempt on it in the last ``LOGIN_FAILURE_MINUTES``: its one attempt is still
  checked, so that the owner, on their own device, logs in while someone else is guessing
  their password. An address that guesses wrong is then locked out with the others.

The account is named by :func:`consult.auth.services.login_identity`, exactly as
authentication looks it up: no spelling of the same e-mail counts apart.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import RateLimitItem, RateLimitItemPerMinute, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

_EXTENSION = "consult_login_limits"


def client_address() -> str:
    """The client's address as the limits know it (behind ``PROXY_COUNT`` proxies, the one
    they pass on): an IPv4 address, or the /64 network of an IPv6 one."""
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""  # "address" (this address has tried too often) or "locked"
    retry_after: int = 60  # seconds


class LoginLimits:
    """The three limits of one application, on its own storage."""

    def __init__(self, app: Flask):
        self.config = app.config  # read at each attempt: settings may change while it runs
        self.storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.strategy = MovingWindowRateLimiter(self.storage)

    @property
    def account(self) -> list[RateLimitItem]:
        return _parsed(self.config["LOGIN_ACCOUNT_LIMIT"])

    @property
    def address(self) -> list[RateLimitItem]:
        return _parsed(self.config["LOGIN_ADDRESS_LIMIT"])

    @property
    def site(self) -> list[RateLimitItem]:
        return _parsed(self.config["LOGIN_GLOBAL_LIMIT"])

    @property
    def failure(self) -> RateLimitItem:
        return RateLimitItemPerMinute(1, int(self.config["LOGIN_FAILURE_MINUTES"]))

    def _hit_all(self, items: list[RateLimitItem], *keys: str) -> bool:
        # Every window counts the attempt (no short cut): the hour must see what the minute saw.
        return all([self.strategy.hit(item, "login", *keys) for item in items])

    def attempt(self, identity: str, address: str) -> Verdict:
        """Count an attempt to log in as ``identity`` from ``address``; may it be checked?"""
        if not self._hit_all(self.address, "address", address):
            return Verdict(False, "address", self._retry_after(self.address, "address", address))
        account_open = self._hit_all(self.account, "account", identity)
        site_open = self._hit_all(self.site, "site")
        # Every attempt also marks its address (for the account, and at all) as having one
        # unresolved: the mark is set atomically by the first attempt only, and taken away
        # by a correct password. Over a limit, only an unmarked address may still try — once.
        pair_clean = self.strategy.hit(self.failure, "login", "pending", address, identity)
        address_clean = self.strategy.hit(self.failure, "login", "pending", address)
        if (account_open or pair_clean) and (site_open or address_clean):
            return Verdict(True)
        return Verdict(False, "locked", self._retry_after(self.account, "account", identity))

    def succeeded(self, identity: str, address: str) -> None:
        """The password was right: this address is not one that guesses."""
        self.strategy.clear(self.failure, "login", "pending", address, identity)
        self.strategy.clear(self.failure, "login", "pending", address)

    def _retry_after(self, items: list[RateLimitItem], *keys: str) -> int:
        resets = [self.strategy.get_window_stats(item, "login", *keys).reset_time for item in items
                  if not self.strategy.test(item, "login", *keys)]
        return max(1, int(min(resets) - time.time()) + 1) if resets else 60


@functools.lru_cache(maxsize=32)
def _parsed(limits: str) -> list[RateLimitItem]:
    return parse_many(limits)


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = LoginLimits(app)


def login_limits() -> LoginLimits:
    return current_app.extensions[_EXTENSION]
