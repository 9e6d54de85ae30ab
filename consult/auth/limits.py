"""Limits on logging in: per account, per client address and for the whole site.

Every attempt is counted *before* its password is checked, in one atomic step of the limit's
storage (consult.core.limits: a moving window in Redis when ``REDIS_URL`` is set, else in
this process's memory), so that parallel guesses cannot all slip in between a test and a
count.

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

import ipaddress
from dataclasses import dataclass

from flask import current_app, request
from limits import RateLimitItem, RateLimitItemPerMinute

from consult.core.limits import counters


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


def _pending(config) -> RateLimitItem:
    """The mark of an unresolved attempt: one per address (and account) for a while."""
    return RateLimitItemPerMinute(1, int(config["LOGIN_FAILURE_MINUTES"]))


def attempt(identity: str, address: str) -> Verdict:
    """Count an attempt to log in as ``identity`` from ``address``; may it be checked?
    (Settings are read at every attempt: they may change while the app runs.)"""
    config, count = current_app.config, counters()
    if not count.hit(config["LOGIN_ADDRESS_LIMIT"], "login", "address", address):
        return Verdict(False, "address", count.retry_after(
            config["LOGIN_ADDRESS_LIMIT"], "login", "address", address))
    account_open = count.hit(config["LOGIN_ACCOUNT_LIMIT"], "login", "account", identity)
    site_open = count.hit(config["LOGIN_GLOBAL_LIMIT"], "login", "site")
    # Every attempt also marks its address (for the account, and at all) as having one
    # unresolved: the mark is set atomically by the first attempt only, and taken away by a
    # correct password. Over a limit, only an unmarked address may still try — once.
    pending = _pending(config)
    pair_clean = count.strategy.hit(pending, "login", "pending", address, identity)
    address_clean = count.strategy.hit(pending, "login", "pending", address)
    if (account_open or pair_clean) and (site_open or address_clean):
        return Verdict(True)
    if not account_open:
        return Verdict(False, "locked", count.retry_after(
            config["LOGIN_ACCOUNT_LIMIT"], "login", "account", identity))
    return Verdict(False, "locked", count.retry_after(config["LOGIN_GLOBAL_LIMIT"], "login", "site"))


def succeeded(identity: str, address: str) -> None:
    """The password was right: this address is not one that guesses."""
    pending, strategy = _pending(current_app.config), counters().strategy
    strategy.clear(pending, "login", "pending", address, identity)
    strategy.clear(pending, "login", "pending", address)


def reset_request(identity: str, address: str) -> int | None:
    """Count one request for a password reset link for ``identity`` (named by
    :func:`consult.auth.services.login_identity`, whether or not such an account exists, so
    that the answer tells nothing) from ``address``, atomically, under
    ``PASSWORD_RESET_ADDRESS_LIMIT`` and ``PASSWORD_RESET_ACCOUNT_LIMIT``. None while within
    both, else the seconds until one more may be asked."""
    config, count = current_app.config, counters()
    by_address, by_account = config["PASSWORD_RESET_ADDRESS_LIMIT"], config["PASSWORD_RESET_ACCOUNT_LIMIT"]
    if not count.hit(by_address, "password-reset", "address", address):
        return count.retry_after(by_address, "password-reset", "address", address)
    if not count.hit(by_account, "password-reset", "account", identity):
        return count.retry_after(by_account, "password-reset", "account", identity)
    return None
