"""How many submissions one address may send: counted per new submission only (adding or
removing a remark, a form with errors and the same form sent again do not count), sized for
a room of organisations on one Wi-Fi (SUBMISSION_RATE_LIMIT)."""

from __future__ import annotations

from flask import current_app

from consult.auth.limits import client_address
from consult.core.limits import counters


def attempt() -> int | None:
    """Count one new submission from this client's address, atomically; None while within
    SUBMISSION_RATE_LIMIT, else the seconds until one more may be sent."""
    limit, key = current_app.config["SUBMISSION_RATE_LIMIT"], client_address()
    if counters().hit(limit, "submission", key):
        return None
    return counters().retry_after(limit, "submission", key)
